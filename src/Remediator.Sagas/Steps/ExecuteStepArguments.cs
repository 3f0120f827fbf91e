using Remediator.Contracts;
using Remediator.Kubernetes.Actions;

namespace Remediator.Sagas.Steps;

/// <summary>One planned step, as a routing slip activity's arguments.</summary>
public sealed record ExecuteStepArguments
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required int Attempt { get; init; }

    /// <summary><c>execute</c> for remediation steps, <c>verify</c> for verification checks.</summary>
    public required string Phase { get; init; }

    /// <summary>The step's position in its attempt (names need not be unique): part of its journal key.</summary>
    public required int Index { get; init; }

    public required PlannedStep Step { get; init; }

    /// <summary>Set for a recovery step (<c>restore</c> phase): the recorded inverse to apply instead of the step's action.</summary>
    public Compensation? Restore { get; init; }

    public required RemediationTarget Target { get; init; }

    public required bool DryRun { get; init; }

    /// <summary>
    /// Set on the last step of an attempt: unless it faults, its result rides back in the slip's
    /// completion (<see cref="RoutingSlips.LastStepVariable"/>) instead of a message and a saga
    /// transaction of its own.
    /// </summary>
    public bool ReportsInCompletion { get; init; }

    /// <summary>The run, rule and alert the step's Kubernetes Events name; null in slips built before it was carried.</summary>
    public ActionOrigin? Origin { get; init; }
}
