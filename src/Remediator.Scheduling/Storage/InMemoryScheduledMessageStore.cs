namespace Remediator.Scheduling.Storage;

/// <summary>Timers in process memory: for tests and single-process development only (lost on restart).</summary>
public sealed class InMemoryScheduledMessageStore : IScheduledMessageStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly HashSet<(Guid MessageId, string Consumer)> _consumed = [];

    public Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _entries[message.TokenId] = new Entry(message, ClaimId: null, LeaseUntil: null);
        }

        return Task.CompletedTask;
    }

    public Task ScheduleClaimedAsync(ScheduledMessageRecord message, Guid claimId, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _entries[message.TokenId] = new Entry(message, claimId, leaseUntil);
        }

        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.ContainsKey(tokenId));
        }
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

    public Task CompleteAsync(IReadOnlyCollection<ClaimedScheduledMessage> sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        lock (_gate)
        {
            foreach (var claimed in sent)
            {
                if (!TryGetHeld(claimed, out var entry))
                {
                    continue;
                }

                if (entry.Message.ReceiptsPending == 0)
                {
                    _entries.Remove(claimed.Message.TokenId);
                }
                else
                {
                    _entries[claimed.Message.TokenId] = entry with { LeaseUntil = DateTimeOffset.MaxValue };
                }
            }
        }

        return Task.CompletedTask;
    }

    // One lock serves every call here: nothing is ever held locked by another transaction.
    public async Task<IReadOnlyCollection<ClaimedScheduledMessage>> CompleteUnlockedAsync(IReadOnlyCollection<ClaimedScheduledMessage> sent, CancellationToken cancellationToken)
    {
        await CompleteAsync(sent, cancellationToken);
        return [];
    }

    public Task<bool> IsConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_consumed.Contains((messageId, consumer)));
        }
    }

    public Task<bool> AcknowledgeAsync(Guid messageId, string consumer, DateTimeOffset now, bool countReceipt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_consumed.Add((messageId, consumer)))
            {
                return Task.FromResult(false);
            }

            if (!countReceipt)
            {
                return Task.FromResult(true);
            }

            foreach (var entry in _entries.Values.Where(entry => entry.ClaimId is not null && entry.Message.Identity.MessageId == messageId).ToList())
            {
                var pending = entry.Message.ReceiptsPending - 1;
                if (pending <= 0)
                {
                    _entries.Remove(entry.Message.TokenId);
                }
                else
                {
                    _entries[entry.Message.TokenId] = entry with { Message = entry.Message with { ReceiptsPending = pending } };
                }
            }

            return Task.FromResult(true);
        }
    }

    public Task<int> CountDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Math.Min(limit, _entries.Values.Count(entry => entry.Message.DueAt <= now)));
        }
    }

    public Task<int> ReleaseHeldAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var held = _entries.Values.Where(entry => entry.ClaimId is not null).ToList();
            foreach (var entry in held)
            {
                _entries[entry.Message.TokenId] = entry with { ClaimId = null, LeaseUntil = null };
            }

            return Task.FromResult(held.Count);
        }
    }

    public Task ReleaseAsync(IReadOnlyCollection<ClaimedScheduledMessage> claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        lock (_gate)
        {
            foreach (var message in claimed)
            {
                if (TryGetHeld(message, out var entry))
                {
                    _entries[message.Message.TokenId] = entry with { ClaimId = null, LeaseUntil = null };
                }
            }
        }

        return Task.CompletedTask;
    }

    private bool TryGetHeld(ClaimedScheduledMessage claimed, out Entry entry) =>
        _entries.TryGetValue(claimed.Message.TokenId, out entry!) && entry.ClaimId == claimed.ClaimId;

    private sealed record Entry(ScheduledMessageRecord Message, Guid? ClaimId, DateTimeOffset? LeaseUntil);
}
