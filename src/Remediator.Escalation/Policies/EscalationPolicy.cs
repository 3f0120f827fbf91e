namespace Remediator.Escalation.Policies;

/// <summary>A named escalation policy: its tiers, paged in order until someone acknowledges.</summary>
public sealed record EscalationPolicy
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>How soon a human should respond (the runbook's response time); informational.</summary>
    public TimeSpan? RespondWithin { get; init; }

    public required IReadOnlyList<EscalationTier> Tiers { get; init; }
}
