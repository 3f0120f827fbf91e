namespace Remediator.Intake.Reconcile;

/// <summary>Each peer's answer in the latest round, for the readiness detail.</summary>
public sealed class AlertmanagerReconcileStatus
{
    private readonly Lock _gate = new();
    private IReadOnlyList<PeerState> _peers = [];

    /// <summary>When the latest round ended; null before the first.</summary>
    public DateTimeOffset? LastRoundAt { get; private set; }

    public IReadOnlyList<PeerState> Peers
    {
        get
        {
            lock (_gate)
            {
                return _peers;
            }
        }
    }

    public void Record(IEnumerable<PeerListing> listings, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var peers = listings.Select(listing => new PeerState(listing.Peer.Name, listing.Error?.Message)).ToList();
        lock (_gate)
        {
            _peers = peers;
            LastRoundAt = at;
        }
    }

    /// <param name="Name">The peer's URL.</param>
    /// <param name="Error">Why it gave no list in the latest round; null when it did.</param>
    public sealed record PeerState(string Name, string? Error);
}
