using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>notify</c> action's arguments (the message is already rendered from the alert).</summary>
public sealed record NotifyParameters(string Message)
{
    /// <summary>The parameter that asks for real deliveries in a dry run, on purpose.</summary>
    public const string SendInDryRun = "send-in-dry-run";

    public static NotifyParameters From(PlannedStep step) => new(StepArguments.For(step, "notify").RequiredString("message"));
}
