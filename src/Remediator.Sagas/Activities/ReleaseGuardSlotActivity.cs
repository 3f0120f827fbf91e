using MassTransit;
using Remediator.Guards;

namespace Remediator.Sagas.Activities;

/// <summary>A run the guards let act gives its slot back and starts the target's cooldown, however it ended.</summary>
public sealed class ReleaseGuardSlotActivity(IRemediationGuards guards) : RemediationActivity
{
    protected override string Name => "release-guard-slot";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        if (run.HoldsGuardSlot && run.FinalOutcome is { } outcome)
        {
            await guards.RecordFinishedAsync(run.RemediationId, run.Target!, outcome, context.CancellationToken);
        }
    }
}
