namespace Remediator.Guards.State;

/// <summary>
/// The guards' state. Every instant comes from the caller's <see cref="TimeProvider"/>, so an
/// implementation never reads a clock. A durable implementation (SQLite/PostgreSQL) shared by
/// several engine processes needs: a pause table keyed by scope (<c>""</c> for global); an
/// attempts table (target, remediation, started at) of which only the newest
/// <see cref="MaxAttemptsKept"/> per target matter; a finished table (target, last finished at);
/// an active table (remediation id primary key, target, acted flag) where
/// <see cref="TryAcquireSlotAsync"/> counts and inserts atomically (serializable, or a row lock
/// on a one-row counter, taken just before the commit when the caller's transaction is longer);
/// a firings table (target primary key, last fired at); and
/// a one-row storm table whose <see cref="TryEngageStormAsync"/> is a conditional update
/// (<c>UPDATE ... SET engaged_at = @at WHERE engaged_at IS NULL</c>, engaged when one row changed).
/// </summary>
public interface IGuardStateStore
{
    /// <summary>Rule <c>max-attempts</c> is at most 100, so no guard ever needs older attempts than these.</summary>
    const int MaxAttemptsKept = 100;

    Task<PauseSnapshot> GetPausesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What one evaluation needs: the pauses, the storm window's firing count (up to
    /// <paramref name="firingsCountedUpTo"/>), whether a storm may be engaged, whether the
    /// remediation holds a slot and the target's history. A database store reads it in one round
    /// trip; this default asks each question in turn.
    /// </summary>
    async Task<GuardSnapshot> GetSnapshotAsync(Guid remediationId, string targetKey, DateTimeOffset attemptsSince, DateTimeOffset firingsSince, int firingsCountedUpTo, CancellationToken cancellationToken) =>
        new(
            await GetPausesAsync(cancellationToken),
            await CountFiringTargetsAsync(firingsSince, firingsCountedUpTo, cancellationToken),
            StormMayBeEngaged: true,
            await IsActiveAsync(remediationId, cancellationToken),
            await GetTargetHistoryAsync(targetKey, attemptsSince, cancellationToken));

    /// <summary>Sets (or replaces) the pause of a namespace, or the global one when <paramref name="ns"/> is null.</summary>
    Task SetPauseAsync(string? ns, PauseEntry pause, CancellationToken cancellationToken);

    /// <returns>False when there was no such pause.</returns>
    Task<bool> RemovePauseAsync(string? ns, CancellationToken cancellationToken);

    Task<TargetHistory> GetTargetHistoryAsync(string targetKey, DateTimeOffset attemptsSince, CancellationToken cancellationToken);

    /// <summary>True when the remediation holds a concurrency slot.</summary>
    Task<bool> IsActiveAsync(Guid remediationId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes a slot when fewer than <paramref name="limit"/> are held; true when the
    /// remediation holds one (already or now). Inside a message's unit of work a database store
    /// counts again when the unit commits, as <see cref="ExpectFiringTargetsAtMostAsync"/>.
    /// </summary>
    Task<bool> TryAcquireSlotAsync(Guid remediationId, string targetKey, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The decision being made rests on no more than <paramref name="threshold"/> distinct targets
    /// having fired since <paramref name="since"/> (the storm brake let a destructive request
    /// through). A store whose reads miss decisions not yet committed (a database store inside a
    /// message's unit of work) counts again when that unit commits, after every decision committed
    /// before it, and fails it with <see cref="GuardStateChangedException"/> when the count passed
    /// the threshold; a store whose reads are already current does nothing.
    /// </summary>
    Task ExpectFiringTargetsAtMostAsync(DateTimeOffset since, int threshold, CancellationToken cancellationToken);

    /// <summary>
    /// The decision being made rests on the target having fewer than <paramref name="maxAttempts"/>
    /// attempts after <paramref name="since"/>: as <see cref="ExpectFiringTargetsAtMostAsync"/>, the
    /// count at commit (this decision's attempt included) may not pass <paramref name="maxAttempts"/>.
    /// </summary>
    Task ExpectAttemptsAtMostAsync(string targetKey, DateTimeOffset since, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// Counts attempt <paramref name="attempt"/> of the remediation for the target, once: a repeated
    /// call for the same (remediation, attempt) counts nothing more (a saga retrying its message
    /// after a concurrency conflict calls again). The remediation holds a slot from now on, even
    /// past the limit (it is acting).
    /// </summary>
    Task RecordAttemptAsync(Guid remediationId, int attempt, string targetKey, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Frees the remediation's slot; if it made an attempt, the target's last-finished time becomes <paramref name="at"/>.</summary>
    /// <returns>True when the remediation had made an attempt (its target's cooldown started).</returns>
    Task<bool> ReleaseSlotAsync(Guid remediationId, string targetKey, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every concurrency slot held, so the reconciler can find one that no unfinished run owns any more.</summary>
    Task<IReadOnlyList<HeldSlot>> GetHeldSlotsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Frees a slot its run no longer owns (the run ended without releasing it, or never existed),
    /// for the reconciler. If the slot's run had acted, the target's cooldown starts at
    /// <paramref name="finishedAt"/> unless a later finish is already recorded.
    /// </summary>
    /// <returns>True when this call removed the slot (false: it was already released).</returns>
    Task<bool> ReleaseLeakedSlotAsync(Guid remediationId, DateTimeOffset finishedAt, CancellationToken cancellationToken);

    Task RecordFiringAsync(string targetKey, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// How many distinct targets fired at or after <paramref name="since"/>, counted up to
    /// <paramref name="upTo"/>: a result of <paramref name="upTo"/> means at least that many. Asked
    /// on every evaluation and once a second by the firings, so it must be cheap: the storm brake
    /// only needs to know whether its threshold is passed (threshold + 1), and a count that stopped
    /// there reads at most that many index entries however large the storm (an uncapped count read
    /// every firing target on every decision, about 198 per check in a 10,000-alert storm).
    /// </summary>
    Task<int> CountFiringTargetsAsync(DateTimeOffset since, int upTo, CancellationToken cancellationToken);

    /// <summary>The distinct targets that fired at or after <paramref name="since"/>, oldest first by their last firing.</summary>
    Task<IReadOnlyList<string>> GetFiringTargetsAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Marks a storm engaged; true for exactly one caller until <see cref="ReleaseStormAsync"/>.</summary>
    Task<bool> TryEngageStormAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <returns>True when a storm was engaged (and is now released).</returns>
    Task<bool> ReleaseStormAsync(CancellationToken cancellationToken);
}
