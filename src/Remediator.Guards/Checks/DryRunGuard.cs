namespace Remediator.Guards.Checks;

/// <summary>The engine's or the rule's dry-run: nothing after it applies (a dry run changes nothing, takes no slot, counts no attempt).</summary>
public sealed class DryRunGuard : IGuard
{
    public string Name => "dry-run";

    public ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Settings.DryRun && !context.Request.Safety.DryRun)
        {
            return new((GuardDecision?)null);
        }

        return new(new GuardDecision
        {
            Verdict = GuardVerdict.DryRunOnly,
            Reason = GuardReasons.DryRun,
            Message = context.Settings.DryRun
                ? $"the engine runs in dry-run ({GuardOptions.SectionName}:DryRun, or no Kubernetes cluster to act on): the steps run in dry-run"
                : $"rule '{context.Request.RuleName}' sets dry-run: the steps run in dry-run",
        });
    }
}
