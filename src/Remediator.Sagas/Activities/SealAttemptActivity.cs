using MassTransit;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Activities;

/// <summary>Closes the run's current attempt in the step journal: a step of it that has not begun never will.</summary>
public sealed class SealAttemptActivity(IStepJournal journal) : RemediationActivity
{
    protected override string Name => "seal-attempt";

    protected override Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return journal.SealAsync(context.Saga.Run.RemediationId, context.Saga.Run.Attempt, context.CancellationToken);
    }
}
