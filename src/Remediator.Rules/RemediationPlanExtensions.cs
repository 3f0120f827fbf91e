using Remediator.Contracts;

namespace Remediator.Rules;

/// <summary>What a rendered plan does, asked by everything that must treat a destructive one apart.</summary>
public static class RemediationPlanExtensions
{
    /// <summary>Whether any step, first attempt or ladder rung, changes the cluster: such a plan never runs for a resolved alert.</summary>
    public static bool IsDestructive(this RemediationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Steps.Any(step => step.Destructive) || plan.Ladder.Any(rung => rung.Steps.Any(step => step.Destructive));
    }
}
