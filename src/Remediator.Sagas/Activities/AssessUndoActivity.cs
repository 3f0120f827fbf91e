using MassTransit;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Activities;

/// <summary>
/// Once a cancelled run's undo has ended: what its attempt changed that is still in place, read
/// from the step journal (the step reports may still be on their way): a step whose undo failed,
/// whose undo's outcome is unknown (the engine stopped while undoing it) or that was never undone
/// (an earlier undo failed and stopped the slip), and a step whose own outcome is unknown. A change
/// the rule keeps (<c>compensate: keep</c>) is not counted: the rule asked for it. Sets
/// <see cref="RunCancellation.LeftInPlace"/>.
/// </summary>
public sealed class AssessUndoActivity(IStepJournal journal) : RemediationActivity
{
    protected override string Name => "assess-undo";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        var cancellation = run.Cancellation ?? throw new InvalidOperationException($"Remediation {run.RemediationId} is assessed without a cancellation.");
        if (run.DryRun)
        {
            // A dry run's steps go through no journal: they changed nothing.
            return;
        }

        var executed = await journal.ListAsync(run.RemediationId, run.Attempt, ExecuteStepActivity.ExecutePhase, context.CancellationToken);
        var undone = (await journal.ListAsync(run.RemediationId, run.Attempt, ExecuteStepActivity.CompensatePhase, context.CancellationToken)).ToDictionary(step => step.Index);
        var left = new List<string>();
        foreach (var step in executed.OrderByDescending(step => step.Index))
        {
            var what = StepJournalRecord.Read(step) switch
            {
                null => "its outcome is unknown (the engine stopped while it acted), so it was not undone",
                { Log.Keep: false } => undone.TryGetValue(step.Index, out var undo)
                    ? StepJournalRecord.Read(undo) switch
                    {
                        null => "whether its undo took effect is unknown (the engine stopped while undoing it)",
                        { Failed: true } failed => $"its undo failed: {failed.Summary}",
                        _ => null,
                    }
                    : "it was not undone",
                _ => null,
            };
            if (what is not null)
            {
                left.Add($"'{StartUndoActivity.NameOf(run, step.Index)}': {what}");
            }
        }

        run.Cancellation = cancellation with { LeftInPlace = left };
    }
}
