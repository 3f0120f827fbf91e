namespace Remediator.Sagas;

/// <summary>The active remediation of a workload this run's target depends on, which the run waits for.</summary>
public sealed record CascadeRoot
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string TargetKey { get; init; }

    public required string RuleName { get; init; }

    /// <summary>Set when the root's run ended in success: the dependent then gives its own alert time to resolve.</summary>
    public bool Succeeded { get; init; }
}
