namespace Remediator.Contracts;

/// <summary>
/// An alert of a run that already ended (escalated, or succeeded) resolved. Addressed by the run's
/// <see cref="RemediationId"/>, so the escalation of that run finds itself by id and tells every
/// channel it paged.
/// </summary>
public sealed record RemediationAlertResolved
{
    /// <summary>The remediation saga (rule and target).</summary>
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string Fingerprint { get; init; }

    public required DateTimeOffset At { get; init; }
}
