using MassTransit;
using Remediator.Contracts;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Activities;

/// <summary>
/// A cancelled run's undo: what its current attempt changed is undone, newest first, as the rule
/// says (a step's <c>compensate:</c>, else its action's default), the way a failed attempt's
/// compensation does; a step whose change the rule keeps stays. The steps are read from the step
/// journal, not from the step reports, so the undo is the same after an engine stop; and the undo
/// itself goes through the journal (the <c>compensate</c> phase, the key Courier's compensation of
/// the same step uses), so a change is never undone twice and an undo interrupted mid-way is not
/// repeated blind. Sets <see cref="RunCancellation.UndoTrackingNumber"/> when there is anything to undo.
/// </summary>
public sealed class StartUndoActivity(IStepJournal journal, TimeProvider time) : RemediationActivity
{
    internal const string DryRunPlan = "a dry run changed nothing, so nothing is undone";

    protected override string Name => "start-undo";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        var cancellation = run.Cancellation ?? throw new InvalidOperationException($"Remediation {run.RemediationId} is undone without a cancellation.");
        if (run.DryRun)
        {
            // A dry run's steps go through no journal: they changed nothing, so nothing is sent.
            run.Cancellation = cancellation with { UndoTrackingNumber = null, Undoing = 0, Plan = DryRunPlan };
            run.Note(time.GetUtcNow(), DryRunPlan);
            return;
        }

        var begun = await journal.ListAsync(run.RemediationId, run.Attempt, ExecuteStepActivity.ExecutePhase, context.CancellationToken);
        var undo = new List<(int Index, ExecuteStepLog Log)>();
        var plan = new List<string>();
        foreach (var step in begun.OrderByDescending(step => step.Index))
        {
            var name = NameOf(run, step.Index);
            var record = StepJournalRecord.Read(step);
            if (record?.Log is { Keep: false } log)
            {
                undo.Add((step.Index, log));
                plan.Add($"'{name}': undo: {log.Compensation.Description}");
            }
            else
            {
                plan.Add(record switch
                {
                    null => $"'{name}': not undone, its outcome is unknown (the engine stopped while it acted)",
                    { Log: { } kept } => $"'{name}': kept (compensate: keep), not undone: would have had to {kept.Compensation.Description}",
                    { Failed: true } => $"'{name}': failed, nothing to undo",
                    _ => $"'{name}': nothing to undo",
                });
            }
        }

        var notStarted = run.CurrentSteps.Select((step, index) => (step.Name, index)).Where(step => begun.All(b => b.Index != step.index)).Select(step => $"'{step.Name}'").ToList();
        if (notStarted.Count > 0)
        {
            plan.Add($"not started: {string.Join(", ", notStarted)}");
        }

        var summary = plan.Count == 0 ? "no step had begun, nothing to undo" : string.Join("; ", plan);
        run.Note(time.GetUtcNow(), $"{(undo.Count == 0 ? "nothing to undo" : $"undoing attempt {run.Attempt}, newest first")}: {summary}");
        var trackingNumber = undo.Count == 0
            ? (Guid?)null
            : await RoutingSlips.ExecuteAsync(
                context,
                [.. undo.Select(step => new PlannedStep { Name = step.Log.StepName, Action = step.Log.Action, Destructive = true })],
                ExecuteStepActivity.CompensatePhase,
                [.. undo.Select(step => step.Log.Compensation)],
                [.. undo.Select(step => step.Index)]);
        run.Cancellation = cancellation with { UndoTrackingNumber = trackingNumber, Undoing = undo.Count, Plan = summary };
    }

    internal static string NameOf(RemediationRun run, int index) =>
        index < run.CurrentSteps.Count ? run.CurrentSteps[index].Name : $"step {index + 1}";
}
