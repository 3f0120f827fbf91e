namespace Remediator.Contracts;

/// <summary>
/// A run of a rule and target succeeded after an earlier run of the same rule and target had
/// escalated: the pages for that earlier run can be resolved. Published beside
/// <see cref="RemediationSucceeded"/>, and only then, so the escalation module hears of the
/// successes that concern it and pays nothing for the others.
/// </summary>
public sealed record RemediationRecovered
{
    /// <summary>The remediation instance of the rule and target (the escalations keep it as theirs).</summary>
    public required Guid CorrelationId { get; init; }

    /// <summary>The run that succeeded.</summary>
    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }
}
