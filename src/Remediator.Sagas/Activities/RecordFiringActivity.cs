using MassTransit;
using Remediator.Contracts;
using Remediator.Guards;

namespace Remediator.Sagas.Activities;

/// <summary>Every firing request is counted in the guards' storm window, whether it starts a run or joins one.</summary>
public sealed class RecordFiringActivity(IRemediationGuards guards) : RequestActivity
{
    protected override string Name => "record-firing";

    protected override Task ExecuteAsync(BehaviorContext<RemediationState, RemediationRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Message.Alert.Status == AlertStatus.Firing
            ? guards.RecordFiringAsync(context.Message.Target, context.CancellationToken)
            : Task.CompletedTask;
    }
}
