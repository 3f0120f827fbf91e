using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>isolate</c> action's arguments.</summary>
public sealed record IsolateParameters(IsolationMode Mode)
{
    public static IsolateParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "isolate");
        return new IsolateParameters(args.String("mode") switch
        {
            null or "scale-to-zero" => IsolationMode.ScaleToZero,
            "quarantine-pod" => IsolationMode.QuarantinePod,
            "network-policy" => IsolationMode.NetworkPolicy,
            var other => throw new ArgumentException($"step '{step.Name}' has an unknown isolate mode '{other}'", nameof(step)),
        });
    }
}
