using Remediator.Contracts;

namespace Remediator.Sagas.Joins;

/// <summary>
/// What the webhook asks of the remediation module for each request it would send: when the rule
/// and target already have an active run, the alert joins it as a row written in the webhook's own
/// transaction (and is counted in the guards' storm window there), and no
/// <see cref="RemediationRequested"/> goes through the outbox, the broker and the saga.
/// </summary>
public interface IRunJoins
{
    /// <summary>
    /// True when <paramref name="request"/> joined the active run of its rule and target; false when
    /// none is active, and the caller sends the request as before. Call it inside the unit of work
    /// that would send the request: the join commits with it, and a run ending at that moment either
    /// sees the join or is already ended for it (<see cref="IRunJoinStore"/>).
    /// </summary>
    Task<bool> TryJoinAsync(RemediationRequested request, CancellationToken cancellationToken);
}
