namespace Remediator.Sagas.Messages;

/// <summary>Scheduled when a run starts waiting for approval.</summary>
public sealed record ApprovalTimedOut
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }
}
