using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>scale</c> action's arguments: exactly one of <see cref="Replicas"/> and <see cref="By"/>, with optional bounds.</summary>
public sealed record ScaleParameters(int? Replicas, int? By, int? Min, int? Max)
{
    public static ScaleParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "scale");
        return new ScaleParameters(args.Int("replicas"), args.Int("by"), args.Int("min"), args.Int("max"));
    }

    /// <summary>The replica count to set, given the current one, kept within <see cref="Min"/>..<see cref="Max"/>.</summary>
    public int DesiredReplicas(int current)
    {
        var desired = Replicas ?? Math.Max(0, current + (By ?? 0));
        if (Min is { } min)
        {
            desired = Math.Max(desired, min);
        }

        if (Max is { } max)
        {
            desired = Math.Min(desired, max);
        }

        return desired;
    }
}
