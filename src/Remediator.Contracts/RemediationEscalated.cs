namespace Remediator.Contracts;

/// <summary>A remediation could not fix its target (or was not allowed to): people must take over. Carries the whole story.</summary>
public sealed record RemediationEscalated
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required string Severity { get; init; }

    public string? EscalationPolicy { get; init; }

    public required int Attempts { get; init; }

    public required string Reason { get; init; }

    public required IReadOnlyList<string> Fingerprints { get; init; }

    /// <summary>The alert's source (Alertmanager's <c>generatorURL</c>), when it sent one.</summary>
    public string? GeneratorUrl { get; init; }

    public required IReadOnlyList<RemediationTimelineEntry> Timeline { get; init; }

    public required IReadOnlyList<RemediationStepResult> Steps { get; init; }

    public required DateTimeOffset At { get; init; }
}
