namespace Remediator.Contracts;

/// <summary>
/// The guards refused an attempt of a remediation run, so it does not act (docs/guards.md): the
/// first attempt (the run ends <c>Refused</c>) or a ladder rung (the run escalates). Whoever must
/// hear of it (the Kubernetes Event on the target) does so from this, outside the saga's transaction.
/// </summary>
public sealed record RemediationRefused
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    /// <summary>The alert that started the run: its <c>alertname</c>, else its fingerprint.</summary>
    public required string Alert { get; init; }

    /// <summary>The guard's reason code (<c>cooldown</c>, <c>storm</c>, <c>max-attempts</c>, ...): which guard refused; null when none names itself.</summary>
    public string? Guard { get; init; }

    /// <summary>Why, as the run's timeline says it.</summary>
    public required string Reason { get; init; }

    public required int Attempt { get; init; }

    /// <summary>The run would only have planned (the rule's dry-run): a refusal comes before the dry-run guard.</summary>
    public required bool DryRun { get; init; }

    public required DateTimeOffset At { get; init; }
}
