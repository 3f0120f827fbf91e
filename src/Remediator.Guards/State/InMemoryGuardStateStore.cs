namespace Remediator.Guards.State;

/// <summary>
/// The guards' state in this process only, behind one lock (the operations are tiny). Lost on
/// restart and not shared between engine processes: a durable store replaces it for that.
/// </summary>
public sealed class InMemoryGuardStateStore : IGuardStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PauseEntry> _namespacePauses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastFinished = new(StringComparer.Ordinal);
    // Per target, oldest first; the (remediation, attempt) pair makes a repeated call count nothing more.
    private readonly Dictionary<string, List<(Guid RemediationId, int Attempt, DateTimeOffset At)>> _attempts = new(StringComparer.Ordinal);
    // Remediation id -> its target and whether it made an attempt (acted) yet.
    private readonly Dictionary<Guid, (string TargetKey, bool Acted)> _active = [];
    private readonly Dictionary<string, DateTimeOffset> _firings = new(StringComparer.Ordinal);
    private PauseEntry? _globalPause;
    private DateTimeOffset? _stormEngagedAt;

    public Task<PauseSnapshot> GetPausesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(new PauseSnapshot(_globalPause, new Dictionary<string, PauseEntry>(_namespacePauses, StringComparer.Ordinal)));
        }
    }

    public Task SetPauseAsync(string? ns, PauseEntry pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pause);
        lock (_gate)
        {
            if (ns is null)
            {
                _globalPause = pause;
            }
            else
            {
                _namespacePauses[ns] = pause;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemovePauseAsync(string? ns, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (ns is not null)
            {
                return Task.FromResult(_namespacePauses.Remove(ns));
            }

            var removed = _globalPause is not null;
            _globalPause = null;
            return Task.FromResult(removed);
        }
    }

    public Task<TargetHistory> GetTargetHistoryAsync(string targetKey, DateTimeOffset attemptsSince, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            DateTimeOffset? finished = _lastFinished.TryGetValue(targetKey, out var at) ? at : null;
            IReadOnlyList<DateTimeOffset> attempts = _attempts.TryGetValue(targetKey, out var list) ? [.. list.Where(a => a.At > attemptsSince).Select(a => a.At)] : [];
            return Task.FromResult(new TargetHistory(finished, attempts));
        }
    }

    public Task<bool> IsActiveAsync(Guid remediationId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_active.ContainsKey(remediationId));
        }
    }

    public Task<bool> TryAcquireSlotAsync(Guid remediationId, string targetKey, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_active.ContainsKey(remediationId))
            {
                return Task.FromResult(true);
            }

            if (_active.Count >= limit)
            {
                return Task.FromResult(false);
            }

            _active[remediationId] = (targetKey, false);
            return Task.FromResult(true);
        }
    }

    // Every read here is current (one lock, no transactions), so a decision never rests on a stale count.
    public Task ExpectFiringTargetsAtMostAsync(DateTimeOffset since, int threshold, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ExpectAttemptsAtMostAsync(string targetKey, DateTimeOffset since, int maxAttempts, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordAttemptAsync(Guid remediationId, int attempt, string targetKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _active[remediationId] = (targetKey, true);
            if (!_attempts.TryGetValue(targetKey, out var attempts))
            {
                attempts = [];
                _attempts[targetKey] = attempts;
            }

            if (attempts.Exists(a => a.RemediationId == remediationId && a.Attempt == attempt))
            {
                return Task.CompletedTask;
            }

            attempts.Add((remediationId, attempt, at));
            if (attempts.Count > IGuardStateStore.MaxAttemptsKept)
            {
                attempts.RemoveRange(0, attempts.Count - IGuardStateStore.MaxAttemptsKept);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> ReleaseSlotAsync(Guid remediationId, string targetKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var acted = _active.Remove(remediationId, out var slot) && slot.Acted;
            if (acted)
            {
                _lastFinished[targetKey] = at;
            }

            return Task.FromResult(acted);
        }
    }

    public Task<IReadOnlyList<HeldSlot>> GetHeldSlotsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<HeldSlot>>([.. _active.Select(slot => new HeldSlot(slot.Key, slot.Value.TargetKey, slot.Value.Acted))]);
        }
    }

    public Task<bool> ReleaseLeakedSlotAsync(Guid remediationId, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_active.Remove(remediationId, out var slot))
            {
                return Task.FromResult(false);
            }

            if (slot.Acted && (!_lastFinished.TryGetValue(slot.TargetKey, out var last) || last < finishedAt))
            {
                _lastFinished[slot.TargetKey] = finishedAt;
            }

            return Task.FromResult(true);
        }
    }

    public Task RecordFiringAsync(string targetKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _firings[targetKey] = _firings.TryGetValue(targetKey, out var previous) && previous > at ? previous : at;
        }

        return Task.CompletedTask;
    }

    public Task<int> CountFiringTargetsAsync(DateTimeOffset since, int upTo, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(upTo);
        lock (_gate)
        {
            return Task.FromResult(_firings.Values.Where(at => at >= since).Take(upTo).Count());
        }
    }

    public Task<IReadOnlyList<string>> GetFiringTargetsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Firings before the window can never count again: dropping them keeps the map small.
            foreach (var stale in _firings.Where(f => f.Value < since).Select(f => f.Key).ToList())
            {
                _firings.Remove(stale);
            }

            IReadOnlyList<string> targets = [.. _firings.OrderBy(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key)];
            return Task.FromResult(targets);
        }
    }

    public Task<bool> TryEngageStormAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stormEngagedAt is not null)
            {
                return Task.FromResult(false);
            }

            _stormEngagedAt = at;
            return Task.FromResult(true);
        }
    }

    public Task<bool> ReleaseStormAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var wasEngaged = _stormEngagedAt is not null;
            _stormEngagedAt = null;
            return Task.FromResult(wasEngaged);
        }
    }
}
