namespace Remediator.Scheduling.Storage;

/// <summary>Timers in process memory: for tests and single-process development only (lost on restart).</summary>
public sealed class InMemoryScheduledMessageStore : IScheduledMessageStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];

    public Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _entries[message.TokenId] = new Entry(message, ClaimId: null, LeaseUntil: null);
        }

        return Task.CompletedTask;
    }

    public Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.Remove(tokenId));
        }
    }

    public Task<IReadOnlyList<ClaimedScheduledMessage>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int maxCount, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var claimId = Guid.NewGuid();
            var claimed = _entries.Values
                .Where(entry => entry.Message.DueAt <= now && (entry.LeaseUntil is null || entry.LeaseUntil <= now))
                .OrderBy(entry => entry.Message.DueAt)
                .Take(maxCount)
                .Select(entry => new ClaimedScheduledMessage(entry.Message, claimId))
                .ToList();
            foreach (var message in claimed)
            {
                _entries[message.Message.TokenId] = new Entry(message.Message, claimId, now + lease);
            }

            return Task.FromResult<IReadOnlyList<ClaimedScheduledMessage>>(claimed);
        }
    }

    public Task CompleteAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        lock (_gate)
        {
            if (IsHeldBy(claimed))
            {
                _entries.Remove(claimed.Message.TokenId);
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        lock (_gate)
        {
            if (IsHeldBy(claimed))
            {
                _entries[claimed.Message.TokenId] = new Entry(claimed.Message, ClaimId: null, LeaseUntil: null);
            }
        }

        return Task.CompletedTask;
    }

    private bool IsHeldBy(ClaimedScheduledMessage claimed) =>
        _entries.TryGetValue(claimed.Message.TokenId, out var entry) && entry.ClaimId == claimed.ClaimId;

    private sealed record Entry(ScheduledMessageRecord Message, Guid? ClaimId, DateTimeOffset? LeaseUntil);
}
