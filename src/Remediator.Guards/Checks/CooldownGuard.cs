namespace Remediator.Guards.Checks;

/// <summary>First attempt only: the rule's cooldown since the target's last remediation that acted ended.</summary>
public sealed class CooldownGuard : IGuard
{
    public string Name => "cooldown";

    public ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cooldown = context.Request.Safety.Cooldown;
        if (!context.Continuing && context.Snapshot.History.LastFinishedAt is { } finished && finished + cooldown > context.Now)
        {
            var until = finished + cooldown;
            return new(GuardDecision.Refuse(
                GuardReasons.Cooldown,
                $"{context.Key} was remediated at {finished:O}; its cooldown of {cooldown} lasts until {until:O}",
                until));
        }

        return new((GuardDecision?)null);
    }
}
