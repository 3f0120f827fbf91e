using MassTransit;
using Remediator.Sagas.Joins;

namespace Remediator.Sagas.Activities;

/// <summary>
/// The run ends: it is no longer active for the webhook, and the alerts that joined it are folded
/// in, in the transaction that ends it. A join committing meanwhile is waited for, or finds the run
/// ended and starts a new one (<see cref="IRunJoinStore"/>): none is lost.
/// </summary>
public sealed class CloseJoinsActivity(IRunJoinStore joins) : RemediationActivity
{
    protected override string Name => "close-joins";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        if (run.JoinsOpen)
        {
            run.Fold(await joins.CloseAsync(context.Saga.CorrelationId, run.RemediationId, context.CancellationToken));
            run.JoinsOpen = false;
        }
    }
}
