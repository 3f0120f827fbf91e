namespace Remediator.Sagas.Messages;

/// <summary>Scheduled while a dependent waits for its root: the wait (or the settle time after the root succeeded) is over.</summary>
public sealed record RootWaitTimedOut
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }
}
