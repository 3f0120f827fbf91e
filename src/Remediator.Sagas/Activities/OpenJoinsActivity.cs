using MassTransit;
using Remediator.Sagas.Joins;

namespace Remediator.Sagas.Activities;

/// <summary>
/// A run that started and did not end at once is marked active in the transaction that starts it:
/// from its commit on, the webhook records further alerts for its rule and target as joins instead
/// of sending requests.
/// </summary>
public sealed class OpenJoinsActivity(IRunJoinStore joins) : RemediationActivity
{
    protected override string Name => "open-joins";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        if (run.IsActive() && !run.JoinsOpen)
        {
            await joins.OpenAsync(context.Saga.CorrelationId, run.RemediationId, context.CancellationToken);
            run.JoinsOpen = true;
        }
    }
}
