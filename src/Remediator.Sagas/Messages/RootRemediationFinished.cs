namespace Remediator.Sagas.Messages;

/// <summary>The root's run a dependent waits for has ended (see <see cref="DependentWaiting"/>).</summary>
public sealed record RootRemediationFinished
{
    /// <summary>The dependent's saga.</summary>
    public required Guid CorrelationId { get; init; }

    public required Guid DependentRemediationId { get; init; }

    public required Guid RootRemediationId { get; init; }

    /// <summary>The state the root's run ended in: Succeeded, Escalated, Cancelled or Refused.</summary>
    public required string State { get; init; }

    public required string Outcome { get; init; }
}
