using Remediator.Contracts;
using Remediator.Kubernetes.Actions;

namespace Remediator.Sagas.Messages;

/// <summary>A step activity reports its result to the saga, for the timeline.</summary>
public sealed record RemediationStepFinished
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required RemediationStepResult Result { get; init; }

    /// <summary>How to undo the step, when it succeeded and is reversible: an isolation's is kept for the recovery.</summary>
    public Compensation? Compensation { get; init; }
}
