namespace Remediator.Sagas.Joins;

/// <summary>
/// The runs alerts may join without a message, and the alerts that did. The saga marks a run active
/// (<see cref="OpenAsync"/>) in the transaction that starts it and unmarks it in the transaction
/// that ends it (<see cref="CloseAsync"/>), which also takes the run's joins to fold them into it.
/// A join (<see cref="TryJoinAsync"/>) and a run's end exclude each other on the run's active row
/// (PostgreSQL: the join holds a share lock on it until its commit, the end deletes it; SQLite:
/// one writer at a time), so a join committed as the run ends is either seen by the end or finds
/// no active run and is sent as a request, which starts a new one.
/// </summary>
public interface IRunJoinStore
{
    /// <summary>One statement: records the join when <paramref name="correlationId"/> has an active run; false when it has none.</summary>
    Task<bool> TryJoinAsync(Guid correlationId, Guid requestId, string fingerprint, string? alertName, CancellationToken cancellationToken);

    /// <summary>Marks the instance's run <paramref name="remediationId"/> active: alerts join it from now on.</summary>
    Task OpenAsync(Guid correlationId, Guid remediationId, CancellationToken cancellationToken);

    /// <summary>Unmarks the instance's active run and takes the joins of <paramref name="remediationId"/>, oldest first; waits for joins in flight to commit.</summary>
    Task<IReadOnlyList<RunJoin>> CloseAsync(Guid correlationId, Guid remediationId, CancellationToken cancellationToken);

    /// <summary>Takes the joins of a run that stays active, oldest first (a resolution may be for one of them).</summary>
    Task<IReadOnlyList<RunJoin>> TakeAsync(Guid remediationId, CancellationToken cancellationToken);

    /// <summary>The joins not yet folded into these runs, oldest first, without taking them (the API's view of an active run).</summary>
    Task<IReadOnlyList<RunJoin>> PeekAsync(IReadOnlyCollection<Guid> remediationIds, CancellationToken cancellationToken);
}
