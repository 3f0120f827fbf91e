using Remediator.Contracts;

namespace Remediator.Guards;

/// <summary>One remediation (or one more attempt of it) asking whether it may act now.</summary>
public sealed record GuardRequest
{
    /// <summary>The remediation's id; an id that already holds a concurrency slot is a further attempt.</summary>
    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    /// <summary>Cooldown and attempts are counted per target (<see cref="RemediationTarget.ToString"/>).</summary>
    public required RemediationTarget Target { get; init; }

    public SafetyPolicy Safety { get; init; } = new();

    /// <summary>The steps about to run: the storm brake and the minimum-healthy gate look at the destructive ones.</summary>
    public IReadOnlyList<PlannedStep> Steps { get; init; } = [];

    /// <summary>A human approved this remediation, so the approval gate is passed.</summary>
    public bool Approved { get; init; }

    /// <summary>The first attempt of a requested remediation.</summary>
    public static GuardRequest For(RemediationRequested requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return new GuardRequest
        {
            RemediationId = requested.RequestId,
            RuleName = requested.RuleName,
            Target = requested.Target,
            Safety = requested.Plan.Safety,
            Steps = requested.Plan.Steps,
        };
    }
}
