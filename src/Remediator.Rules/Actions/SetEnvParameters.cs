using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>set-env</c> action's arguments; a null container means every container.</summary>
public sealed record SetEnvParameters(string? Container, IReadOnlyDictionary<string, string> Env)
{
    public static SetEnvParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "set-env");
        return new SetEnvParameters(args.String("container"), args.Map("env"));
    }
}
