namespace Remediator.Sagas.Messages;

/// <summary>
/// Scheduled when an attempt's steps start: due when they should long have finished (their
/// timeouts plus a grace). It fires when the steps were lost (an engine killed mid-step on the
/// in-memory bus) or hang, so a remediation is never silently left in Executing.
/// </summary>
public sealed record ExecutionTimedOut
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required int Attempt { get; init; }

    /// <summary>Why the attempt is closed, when the reconciler closes it before its deadline (its steps died with the previous engine process).</summary>
    public string? Reason { get; init; }
}
