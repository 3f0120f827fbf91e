namespace Remediator.Guards.Checks;

/// <summary>The storm brake, for requests with a destructive step: too many distinct targets firing within the window.</summary>
public sealed class StormGuard : IGuard
{
    public string Name => "storm brake";

    public async ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Steps.Any(step => step.Destructive))
        {
            return null;
        }

        var storm = context.Settings.Storm;

        // Counted up to one past the threshold (StormOptions.FiringsToCount): past it, "more than".
        var firing = context.Snapshot.FiringTargets;
        if (firing > storm.Threshold)
        {
            // Only the decision that engages the brake reports the storm's targets (it escalates
            // once, with the list); the others need the count alone.
            var engaged = await context.Store.TryEngageStormAsync(context.Now, cancellationToken);
            return new GuardDecision
            {
                Verdict = GuardVerdict.StormBraked,
                Reason = GuardReasons.Storm,
                Message = $"alert storm: more than {storm.Threshold} distinct targets fired within {storm.Window}; destructive actions are stopped",
                StormEngaged = engaged,
                StormTargets = engaged ? await context.Store.GetFiringTargetsAsync(context.Now - storm.Window, cancellationToken) : [],
            };
        }

        if (context.Snapshot.StormMayBeEngaged)
        {
            await context.ReleaseStormAsync(firing, cancellationToken);
        }

        await context.Store.ExpectFiringTargetsAtMostAsync(context.Now - storm.Window, storm.Threshold, cancellationToken);
        return null;
    }
}
