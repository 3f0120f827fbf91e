namespace Remediator.Sagas.Messages;

/// <summary>Scheduled when an attempt starts verifying.</summary>
public sealed record VerificationTimedOut
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required int Attempt { get; init; }
}
