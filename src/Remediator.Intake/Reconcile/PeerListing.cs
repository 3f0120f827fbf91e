namespace Remediator.Intake.Reconcile;

/// <summary>What one Alertmanager answered in a round: its alert list, or why there is none.</summary>
public sealed record PeerListing(AlertmanagerPeer Peer, ApiAlertsParseResult? Alerts, AlertmanagerPeerException? Error)
{
    public bool Reached => Alerts is not null;
}
