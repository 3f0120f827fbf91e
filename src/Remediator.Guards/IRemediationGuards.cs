using Remediator.Contracts;

namespace Remediator.Guards;

/// <summary>
/// The checks a remediation passes before it acts, and the bookkeeping they need. The saga calls
/// <see cref="RecordFiringAsync"/> for every firing alert, <see cref="EvaluateAsync"/> before the
/// first attempt and before each further attempt, <see cref="RecordStartedAsync"/> when an
/// attempt starts acting and <see cref="RecordFinishedAsync"/> once when the remediation ends
/// (also after an <see cref="GuardVerdict.Allow"/> it did not act on, to give its slot back).
/// </summary>
public interface IRemediationGuards
{
    /// <summary>
    /// Runs the guards in <see cref="RemediationGuards.Order"/>, stopping at the first that does
    /// not pass. An <see cref="GuardVerdict.Allow"/> for a first attempt takes a concurrency slot.
    /// </summary>
    Task<GuardDecision> EvaluateAsync(GuardRequest request, CancellationToken cancellationToken = default);

    /// <summary>Attempt <paramref name="attempt"/> starts acting on its target: counts one attempt in the target's window (once per attempt, however often called).</summary>
    Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken = default);

    /// <summary>The remediation ended: its concurrency slot is freed and the target's cooldown starts (whatever the outcome).</summary>
    Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>An alert for this target fired: counted in the storm window.</summary>
    Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken = default);
}
