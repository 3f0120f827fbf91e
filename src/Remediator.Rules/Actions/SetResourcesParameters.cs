using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>set-resources</c> action's arguments: <c>cpu</c>/<c>memory</c> quantities; a null container means every container.</summary>
public sealed record SetResourcesParameters(string? Container, IReadOnlyDictionary<string, string> Requests, IReadOnlyDictionary<string, string> Limits)
{
    public static SetResourcesParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "set-resources");
        return new SetResourcesParameters(args.String("container"), args.Map("requests"), args.Map("limits"));
    }
}
