using Remediator.Kubernetes.Actions;

namespace Remediator.Sagas.Steps;

/// <summary>What a completed reversible step needs to be undone: it travels in the routing slip.</summary>
public sealed record ExecuteStepLog
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required int Attempt { get; init; }

    public required string StepName { get; init; }

    public required string Action { get; init; }

    public required Compensation Compensation { get; init; }
}
