using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>notify</c> action's arguments (the message is already rendered from the alert).</summary>
public sealed record NotifyParameters(string Message)
{
    public static NotifyParameters From(PlannedStep step) => new(StepArguments.For(step, "notify").RequiredString("message"));
}
