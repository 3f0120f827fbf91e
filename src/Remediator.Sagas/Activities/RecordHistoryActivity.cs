using MassTransit;
using Remediator.Sagas.Effectiveness;

namespace Remediator.Sagas.Activities;

/// <summary>
/// Records the run's ending (the state just entered) in the history the effectiveness figures are
/// computed from, in the same unit of work as the final state. A refusal, or a guard's stop of a
/// later attempt, keeps the guard's code.
/// </summary>
public sealed class RecordHistoryActivity(IRemediationHistory history, TimeProvider time) : RemediationActivity
{
    protected override string Name => "record-history";

    protected override Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        var final = context.Saga.CurrentState;
        var stopped = final is not (RemediationStates.Succeeded or RemediationStates.Cancelled)
            && run.Gate is { Verdict: not (GateVerdict.Allow or GateVerdict.DryRunOnly) } gate ? gate.Code : null;
        return history.RecordAsync(
            new RemediationRecord(
                run.RemediationId,
                run.RuleName,
                run.Target!.ToString(),
                final,
                stopped,
                run.Attempt,
                run.RequestIds.Count,
                run.RequestedAt,
                run.FinishedAt ?? time.GetUtcNow(),
                run.DryRun,
                run.Approved),
            context.CancellationToken);
    }
}
