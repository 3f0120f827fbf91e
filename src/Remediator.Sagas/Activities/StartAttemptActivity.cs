using MassTransit;
using Remediator.Guards;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Activities;

/// <summary>
/// Dispatches the current attempt's steps (the rule's, or a ladder rung's) as one routing slip,
/// after telling the guards the attempt acts (a dry run acts on nothing, so it is not counted).
/// </summary>
public sealed class StartAttemptActivity(IRemediationGuards guards, TimeProvider time) : RemediationActivity
{
    protected override string Name => "start-attempt";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        var rung = run.Attempt == 1 ? "the rule's steps" : $"ladder rung '{run.Plan!.Ladder[run.Attempt - 2].Name}'";
        if (!run.DryRun)
        {
            await guards.RecordStartedAsync(run.RemediationId, run.Attempt, run.Target!, context.CancellationToken);
        }

        run.TrackingNumber = await RoutingSlips.ExecuteAsync(context, run.CurrentSteps, ExecuteStepActivity.ExecutePhase);
        run.Record(time.GetUtcNow(), RemediationStates.Executing, $"attempt {run.Attempt}: running {rung} ({run.CurrentSteps.Count} step(s){(run.DryRun ? ", dry-run" : "")})");
    }
}
