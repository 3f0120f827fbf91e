using Remediator.Guards.State;

namespace Remediator.Guards.Checks;

/// <summary>The global pause, then a pause of any namespace the remediation touches.</summary>
public sealed class PauseGuard : IGuard
{
    public string Name => "pause";

    public ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pauses = context.Snapshot.Pauses;
        if (pauses.Global is { } global && global.IsInForce(context.Now))
        {
            return new(GuardDecision.Refuse(GuardReasons.Paused, $"remediation is paused{Describe(global)}", global.Until));
        }

        foreach (var ns in context.Namespaces)
        {
            if (pauses.Namespaces.TryGetValue(ns, out var pause) && pause.IsInForce(context.Now))
            {
                return new(GuardDecision.Refuse(GuardReasons.NamespacePaused, $"namespace {ns} is paused{Describe(pause)}", pause.Until));
            }
        }

        return new((GuardDecision?)null);
    }

    private static string Describe(PauseEntry pause) =>
        (pause.Until is { } until ? $" until {until:O}" : string.Empty) + (pause.Reason is { } reason ? $": {reason}" : string.Empty);
}
