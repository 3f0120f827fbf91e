namespace Remediator.Sagas.Messages;

/// <summary>
/// Sent to the root's saga by a dependent's run that waits for it: the root answers with
/// <see cref="RootRemediationFinished"/> when its run ends (at once if it already has).
/// </summary>
public sealed record DependentWaiting
{
    /// <summary>The root's saga.</summary>
    public required Guid CorrelationId { get; init; }

    /// <summary>The root's run the dependent found active.</summary>
    public required Guid RootRemediationId { get; init; }

    public required Guid DependentCorrelationId { get; init; }

    public required Guid DependentRemediationId { get; init; }
}
