using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>patch-hpa</c> action's arguments; null leaves that bound as it is.</summary>
public sealed record PatchHpaParameters(int? MinReplicas, int? MaxReplicas)
{
    public static PatchHpaParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "patch-hpa");
        return new PatchHpaParameters(args.Int("min-replicas"), args.Int("max-replicas"));
    }
}
