namespace Remediator.Contracts;

/// <summary>How a remediation proves it worked. Every condition given must hold.</summary>
public sealed record VerificationPlan
{
    public bool RolloutComplete { get; init; }

    public HealthCheckSpec? HealthCheck { get; init; }

    /// <summary>The alert's resolved notification must arrive within this window.</summary>
    public TimeSpan? AlertResolvedWithin { get; init; }

    /// <summary>A PromQL expression that must return a non-empty result.</summary>
    public string? PromQl { get; init; }

    /// <summary>The overall time allowed for verification.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);
}
