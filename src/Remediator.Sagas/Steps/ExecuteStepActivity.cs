using System.Text.Json;
using MassTransit;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Rules.Actions;
using Remediator.Sagas.Messages;
using Remediator.Sagas.Verification;

namespace Remediator.Sagas.Steps;

/// <summary>
/// Runs one planned step through the <see cref="KubernetesActionExecutor"/> (or, for
/// verification, a <see cref="PromQlCondition"/>). One activity serves
/// every action kind: the executor already dispatches on the kind, enforces the step's timeout and
/// returns the inverse as data, so a type per kind would be fifteen identical wrappers. A
/// reversible step completes with its <see cref="Compensation"/> as the Courier log, so a later
/// failing step makes Courier undo it (reverse order); a step that may not be continued past
/// faults the slip.
/// <para>
/// Remediation steps that act go through the <see cref="IStepJournal"/>: a redelivered step (the
/// engine died mid-step) that had begun a destructive action reports its outcome
/// <see cref="UnknownStatus"/> instead of acting twice; a non-destructive one runs again; one that
/// had completed returns what it recorded; and a step of an attempt the saga closed is
/// <see cref="SkippedStatus"/>.
/// </para>
/// </summary>
public sealed class ExecuteStepActivity(KubernetesActionExecutor executor, PromQlCondition promQl, IStepJournal journal, TimeProvider time, RemediationStepMetrics metrics) : IActivity<ExecuteStepArguments, ExecuteStepLog>
{
    /// <summary>The action that only asks the escalation channels to tell people.</summary>
    public const string NotifyAction = "notify";

    /// <summary>The status of a <c>notify</c> step once its message is handed to the channels: not yet delivered.</summary>
    public const string RequestedStatus = "Requested";

    /// <summary>The phase of a <c>notify</c> step's deliveries, one result per channel.</summary>
    public const string DeliverPhase = "deliver";

    /// <summary>The step result status of a destructive step interrupted by an engine stop.</summary>
    public const string UnknownStatus = "Unknown";

    /// <summary>The step result status of a step whose attempt was closed before it began.</summary>
    public const string SkippedStatus = "Skipped";

    /// <summary>The compensate-phase status of a step whose change was kept (<c>compensate: keep</c>) when a later step failed.</summary>
    public const string KeptStatus = "Kept";

    /// <summary>The phase of a remediation attempt's steps.</summary>
    public const string ExecutePhase = "execute";

    /// <summary>The phase of verification checks: they only read.</summary>
    public const string VerifyPhase = "verify";

    /// <summary>The phase of a recovery: undoing the run's isolations.</summary>
    public const string RestorePhase = "restore";

    /// <summary>The phase of Courier undoing a completed step after a later one failed.</summary>
    public const string CompensatePhase = "compensate";

    /// <summary>What an undo interrupted by an engine stop reports: it is not repeated, since whether it took effect is unknown.</summary>
    internal const string UnknownUndo = "the engine stopped while this step's change was being undone; whether the undo took effect is unknown, so it is not repeated";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public async Task<ExecutionResult> Execute(ExecuteContext<ExecuteStepArguments> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetTimestamp();
        var arguments = context.Arguments;
        var step = arguments.Step;
        if (step.Action == NotifyAction)
        {
            // The escalation channels deliver it (or, in a dry run, say what they would have sent):
            // each channel's outcome comes back to the run as a RemediationNotificationDelivered.
            await context.Publish(new RemediationNotificationRequested
            {
                CorrelationId = arguments.CorrelationId,
                RemediationId = arguments.RemediationId,
                Attempt = arguments.Attempt,
                StepName = step.Name,
                DryRun = arguments.DryRun,
                Target = step.Target ?? arguments.Target,
                Parameters = step.Parameters,
                At = time.GetUtcNow(),
            });
            var message = NotifyParameters.From(step).Message;
            return await CompleteAsync(
                context,
                Report(
                    arguments,
                    arguments.DryRun ? nameof(ActionStatus.DryRun) : RequestedStatus,
                    arguments.DryRun
                        ? $"dry run: would notify \"{message}\"; each channel says below what it would have sent (nothing is sent unless {NotifyParameters.SendInDryRun} or the engine's setting asks)"
                        : $"handed \"{message}\" to the escalation channels; each channel's delivery is reported below",
                    started));
        }

        // Verification checks only read, and a dry run changes nothing: neither needs the journal.
        var key = arguments.Phase != VerifyPhase && !arguments.DryRun
            ? new StepJournalKey(arguments.RemediationId, arguments.Attempt, arguments.Phase, arguments.Index)
            : null;
        if (key is not null)
        {
            var entry = await journal.BeginAsync(key, context.CancellationToken);
            switch (entry.State)
            {
                case StepJournalState.Sealed:
                    // The run has moved on from this attempt: its report comes on its own, never in the slip's completion.
                    await context.Publish(Report(arguments, SkippedStatus, $"not started: attempt {arguments.Attempt} was closed before this step began", started));
                    return context.Completed();
                case StepJournalState.Completed:
                    return Replay(context, JsonSerializer.Deserialize<StepJournalRecord>(entry.Record!, _json)!);
                case StepJournalState.Interrupted when arguments.Phase == CompensatePhase:
                    return await CompleteAsync(context, Report(arguments, UnknownStatus, UnknownUndo, started));
                case StepJournalState.Interrupted when step.Destructive:
                    return await CompleteAsync(context, Report(arguments, UnknownStatus, "the engine stopped while this step was acting; whether it took effect is unknown, so it is not repeated and verification decides", started));
            }
        }

        var outcome = arguments.Restore is { } restore
            ? await executor.CompensateAsync(restore, arguments.DryRun, context.CancellationToken, arguments.Origin, CompensationPurpose.Restore)
            : step.Action == PromQlCondition.Action
                ? await promQl.CheckAsync(step.Parameters[PromQlCondition.QueryParameter], step.Timeout ?? TimeSpan.Zero, context.CancellationToken)
                : await executor.ExecuteAsync(step, arguments.Target, arguments.DryRun, context.CancellationToken, arguments.Origin);
        var finished = Report(arguments, outcome, started);
        var failed = !outcome.Succeeded && !step.ContinueOnError;
        var inCompletion = arguments.ReportsInCompletion && !failed;
        var record = new StepJournalRecord
        {
            Failed = failed,
            Summary = outcome.Summary,
            Log = outcome is { Status: ActionStatus.Succeeded, Compensation: { } compensation }
                ? new ExecuteStepLog
                {
                    CorrelationId = arguments.CorrelationId,
                    RemediationId = arguments.RemediationId,
                    Attempt = arguments.Attempt,
                    StepName = step.Name,
                    Index = arguments.Index,
                    Action = step.Action,
                    Compensation = compensation,
                    Keep = step.Compensate == StepCompensation.Keep,
                    Origin = arguments.Origin,
                }
                : null,
            Report = inCompletion ? finished : null,
        };

        // Recorded before it is reported: a step the run heard of has its inverse in the journal,
        // where a cancel's undo reads it, even if the engine stops right after.
        if (key is not null)
        {
            await journal.CompleteAsync(key, JsonSerializer.Serialize(record, _json), context.CancellationToken);
        }

        if (!inCompletion)
        {
            await context.Publish(finished);
        }

        return Replay(context, record);
    }

    public async Task<CompensationResult> Compensate(CompensateContext<ExecuteStepLog> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetTimestamp();
        var log = context.Log;
        if (log.Keep)
        {
            // Shown in the timeline as kept, so nobody reads a missing undo as a forgotten one.
            await PublishCompensationAsync(context, log, Result(log.Attempt, log.StepName, log.Action, CompensatePhase, continueOnError: false, KeptStatus, $"kept, not undone (compensate: keep): would have had to {log.Compensation.Description}", outcome: null, started));
            return context.Compensated();
        }

        // The same journal key as a cancelled run's undo of the step (StartUndoActivity): whichever
        // comes first acts, the other finds its record, and an undo interrupted by an engine stop
        // is not repeated blind.
        var key = log.Index is { } index ? new StepJournalKey(log.RemediationId, log.Attempt, CompensatePhase, index) : null;
        if (key is not null)
        {
            var entry = await journal.BeginAsync(key, context.CancellationToken);
            switch (entry.State)
            {
                case StepJournalState.Completed:
                    var record = JsonSerializer.Deserialize<StepJournalRecord>(entry.Record!, _json)!;
                    return record.Failed
                        ? context.Failed(new RemediationStepFailedException($"compensating step '{log.StepName}': {record.Summary}"))
                        : context.Compensated();
                case StepJournalState.Interrupted:
                    await PublishCompensationAsync(context, log, Result(log.Attempt, log.StepName, log.Action, CompensatePhase, continueOnError: false, UnknownStatus, UnknownUndo, outcome: null, started));
                    return context.Compensated();
            }
        }

        var outcome = await executor.CompensateAsync(log.Compensation, dryRun: false, context.CancellationToken, log.Origin);
        if (key is not null)
        {
            await journal.CompleteAsync(key, JsonSerializer.Serialize(new StepJournalRecord { Failed = !outcome.Succeeded, Summary = outcome.Summary }, _json), context.CancellationToken);
        }

        await PublishCompensationAsync(context, log, Result(log.Attempt, log.StepName, log.Action, CompensatePhase, continueOnError: false, outcome.Status.ToString(), outcome.Summary, outcome, started));

        return outcome.Succeeded
            ? context.Compensated()
            : context.Failed(new RemediationStepFailedException($"compensating step '{log.StepName}': {outcome.Summary}"));
    }

    private static Task PublishCompensationAsync(CompensateContext context, ExecuteStepLog log, RemediationStepResult result) =>
        context.Publish(new RemediationStepFinished { CorrelationId = log.CorrelationId, RemediationId = log.RemediationId, Result = result });

    private static ExecutionResult Replay(ExecuteContext<ExecuteStepArguments> context, StepJournalRecord record) =>
        record.Failed
            ? context.Faulted(new RemediationStepFailedException($"step '{context.Arguments.Step.Name}': {record.Summary}"))
            : record.Report is { } report
                ? CompletedReporting(context, report, record.Log)
                : record.Log is { } log ? context.Completed(log) : context.Completed();

    /// <summary>A step that completes without a journal record: its report is published, or carried in the completion of the attempt's last step.</summary>
    private static async Task<ExecutionResult> CompleteAsync(ExecuteContext<ExecuteStepArguments> context, RemediationStepFinished finished)
    {
        if (context.Arguments.ReportsInCompletion)
        {
            return CompletedReporting(context, finished, log: null);
        }

        await context.Publish(finished);
        return context.Completed();
    }

    private static ExecutionResult CompletedReporting(ExecuteContext<ExecuteStepArguments> context, RemediationStepFinished finished, ExecuteStepLog? log)
    {
        var variables = new Dictionary<string, object> { [RoutingSlips.LastStepVariable] = finished };
        return log is null ? context.CompletedWithVariables(variables) : context.CompletedWithVariables(log, variables);
    }

    private RemediationStepFinished Report(ExecuteStepArguments arguments, ActionOutcome outcome, long started) =>
        Finished(arguments, Result(arguments.Attempt, arguments.Step.Name, arguments.Step.Action, arguments.Phase, arguments.Step.ContinueOnError, outcome.Status.ToString(), outcome.Summary, outcome, started), outcome.Status == ActionStatus.Succeeded ? outcome.Compensation : null);

    private RemediationStepFinished Report(ExecuteStepArguments arguments, string status, string summary, long started) =>
        Finished(arguments, Result(arguments.Attempt, arguments.Step.Name, arguments.Step.Action, arguments.Phase, arguments.Step.ContinueOnError, status, summary, outcome: null, started));

    private static RemediationStepFinished Finished(ExecuteStepArguments arguments, RemediationStepResult result, Compensation? compensation = null) =>
        new() { CorrelationId = arguments.CorrelationId, RemediationId = arguments.RemediationId, Result = result, Compensation = compensation };

    private RemediationStepResult Result(int attempt, string name, string action, string phase, bool continueOnError, string status, string summary, ActionOutcome? outcome, long started)
    {
        var duration = time.GetElapsedTime(started);
        metrics.StepFinished(action, phase, status, duration);
        return new()
        {
            Attempt = attempt,
            Name = name,
            Action = action,
            Phase = phase,
            Status = status,
            Summary = summary,
            Before = outcome?.Before,
            After = outcome?.After,
            Requests = outcome?.PlannedRequests ?? [],
            ContinueOnError = continueOnError,
            Duration = duration,
            At = time.GetUtcNow(),
        };
    }
}
