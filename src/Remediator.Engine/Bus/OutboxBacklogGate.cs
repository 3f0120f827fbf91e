using Microsoft.Extensions.Options;
using Remediator.Scheduling.Outbox;

namespace Remediator.Engine.Bus;

/// <summary>
/// Decides whether the outbox's backlog leaves room for a notification's alerts
/// (<see cref="BusOptions.MaxBacklog"/>) without counting the outbox for every notification: the
/// count reads up to the limit's worth of rows, and under a flood, when the backlog is large, it
/// was the webhook's costliest statement (a scan per request). Between counts, the last count plus
/// the alerts this engine accepted since stands in for it; the outbox is counted again once that
/// estimate would reach the limit or <see cref="BusOptions.BacklogCountInterval"/> has passed, and
/// a notification is refused only on a fresh count. One per engine (a singleton).
/// </summary>
public sealed class OutboxBacklogGate(IOptions<BusOptions> options, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private long? _countedAt;
    private int _counted;
    private int _acceptedSince;

    /// <summary>True when <paramref name="alerts"/> more may be accepted; false past the limit.</summary>
    public async Task<bool> HasRoomAsync(TransactionalOutbox outbox, int alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var settings = options.Value;
        lock (_gate)
        {
            // The estimate misses only what the engine's own consumers and other replicas wrote
            // since the count: at most one interval's worth.
            if (_countedAt is { } countedAt && timeProvider.GetElapsedTime(countedAt) < settings.BacklogCountInterval && _counted + _acceptedSince + alerts < settings.MaxBacklog)
            {
                return true;
            }
        }

        var counted = await outbox.BacklogAsync(settings.MaxBacklog, cancellationToken);
        lock (_gate)
        {
            _counted = counted;
            _countedAt = timeProvider.GetTimestamp();
            _acceptedSince = 0;
        }

        return counted < settings.MaxBacklog;
    }

    /// <summary>Counts alerts committed to the outbox since the last count.</summary>
    public void Accepted(int alerts)
    {
        lock (_gate)
        {
            _acceptedSince += alerts;
        }
    }
}
