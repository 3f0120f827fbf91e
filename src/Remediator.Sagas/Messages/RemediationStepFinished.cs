using Remediator.Contracts;

namespace Remediator.Sagas.Messages;

/// <summary>A step activity reports its result to the saga, for the timeline.</summary>
public sealed record RemediationStepFinished
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required RemediationStepResult Result { get; init; }
}
