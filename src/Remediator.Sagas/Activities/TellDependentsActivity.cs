using MassTransit;

namespace Remediator.Sagas.Activities;

/// <summary>Runs waiting for this one (a cascade's dependents) hear how it ended.</summary>
public sealed class TellDependentsActivity : RemediationActivity
{
    protected override string Name => "tell-dependents";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var dependent in context.Saga.Run.Dependents)
        {
            await context.Publish(context.Saga.ToRootFinished(context.Saga.Run.RemediationId, dependent));
        }
    }
}
