using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>reset-circuit-breakers</c> action's arguments.</summary>
public sealed record ResetCircuitBreakersParameters(int Port, string Path, string Method)
{
    public static ResetCircuitBreakersParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "reset-circuit-breakers");
        return new ResetCircuitBreakersParameters(args.RequiredInt("port"), args.Path("path") ?? "/circuit-breakers/reset", args.String("method") ?? "POST");
    }
}
