using Remediator.Contracts;

namespace Remediator.Escalation.Messages;

/// <summary>The whole story a human is told: what fired, what was done, the outcome, and where to look.</summary>
public sealed record EscalationNotice
{
    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required string Severity { get; init; }

    public string? Policy { get; init; }

    public required string Reason { get; init; }

    public int Attempts { get; init; }

    public IReadOnlyList<string> Fingerprints { get; init; } = [];

    public IReadOnlyList<RemediationTimelineEntry> Timeline { get; init; } = [];

    public IReadOnlyList<RemediationStepResult> Steps { get; init; } = [];

    public required DateTimeOffset EscalatedAt { get; init; }

    /// <summary>The remediation in the dashboard, when a public base URL is configured.</summary>
    public string? DashboardUrl { get; init; }

    /// <summary>The alert's source (Prometheus graph) when known.</summary>
    public string? GeneratorUrl { get; init; }
}
