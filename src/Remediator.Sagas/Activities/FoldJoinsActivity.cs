using MassTransit;
using Remediator.Sagas.Joins;

namespace Remediator.Sagas.Activities;

/// <summary>The alerts that joined the active run so far become part of it (a resolution may be for one of them); it stays open for more.</summary>
public sealed class FoldJoinsActivity(IRunJoinStore joins) : RemediationActivity
{
    protected override string Name => "fold-joins";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        if (run.JoinsOpen)
        {
            run.Fold(await joins.TakeAsync(run.RemediationId, context.CancellationToken));
        }
    }
}
