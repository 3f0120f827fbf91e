using Remediator.Contracts;

namespace Remediator.Sagas;

/// <summary>
/// The guards, as the saga uses them; shaped after <c>Remediator.Guards.IRemediationGuards</c> so
/// an adapter is one line per member. The saga records every firing request, evaluates before the
/// first attempt, after an approval and before each ladder rung, records each attempt that acts,
/// and records the end of a run that held a slot (was allowed at least once).
/// <see cref="PolicyOnlyGate"/> stands in until the guards are wired.
/// </summary>
public interface IRemediationGate
{
    Task<GateDecision> EvaluateAsync(GateRequest request, CancellationToken cancellationToken);

    Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken);

    /// <summary>Attempt <paramref name="attempt"/> acts; idempotent per (remediation, attempt), since a saga retries its message after a concurrency conflict.</summary>
    Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken);

    Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationRunOutcome outcome, CancellationToken cancellationToken);
}
