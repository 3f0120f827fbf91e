using MassTransit;
using Remediator.Contracts;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Activities;

/// <summary>
/// The recovery: undoes what the run's isolations changed, newest first, as a slip of
/// <c>restore</c> steps. People ask for it, so it is not gated by the guards; it runs through the
/// step journal like any step that acts.
/// </summary>
public sealed class StartRestoreActivity : RemediationActivity
{
    protected override string Name => "start-restore";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var isolations = context.Saga.Run.Isolations.Reverse().ToList();
        context.Saga.Run.RestoreTrackingNumber = await RoutingSlips.ExecuteAsync(
            context,
            [.. isolations.Select(isolation => new PlannedStep { Name = $"restore-{isolation.StepName}", Action = "restore", Destructive = true })],
            ExecuteStepActivity.RestorePhase,
            [.. isolations.Select(isolation => isolation.Compensation)]);
    }
}
