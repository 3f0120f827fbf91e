using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>drain</c> action's arguments; a null grace period means each pod's own.</summary>
public sealed record DrainParameters(bool IgnoreDaemonSets, bool DeleteEmptyDirData, TimeSpan? GracePeriod)
{
    public static DrainParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "drain");
        return new DrainParameters(args.Bool("ignore-daemonsets", true), args.Bool("delete-emptydir-data", false), args.Duration("grace-period"));
    }
}
