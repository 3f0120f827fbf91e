using MassTransit;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
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
/// </summary>
public sealed class ExecuteStepActivity(KubernetesActionExecutor executor, PromQlCondition promQl, TimeProvider time, RemediationStepMetrics metrics) : IActivity<ExecuteStepArguments, ExecuteStepLog>
{
    /// <summary>The action that only asks the escalation channels to tell people.</summary>
    public const string NotifyAction = "notify";

    public async Task<ExecutionResult> Execute(ExecuteContext<ExecuteStepArguments> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var arguments = context.Arguments;
        var step = arguments.Step;
        var started = time.GetTimestamp();
        if (step.Action == NotifyAction)
        {
            await context.Publish(new RemediationNotificationRequested
            {
                CorrelationId = arguments.CorrelationId,
                RemediationId = arguments.RemediationId,
                StepName = step.Name,
                Target = step.Target ?? arguments.Target,
                Parameters = step.Parameters,
                At = time.GetUtcNow(),
            });
            await ReportAsync(context, arguments, new ActionOutcome { Action = step.Action, Status = ActionStatus.Succeeded, Summary = "notification requested" }, started);
            return context.Completed();
        }

        var outcome = step.Action == PromQlCondition.Action
            ? await promQl.CheckAsync(step.Parameters[PromQlCondition.QueryParameter], step.Timeout ?? TimeSpan.Zero, context.CancellationToken)
            : await executor.ExecuteAsync(step, arguments.Target, arguments.DryRun, context.CancellationToken);
        await ReportAsync(context, arguments, outcome, started);
        if (!outcome.Succeeded && !step.ContinueOnError)
        {
            return context.Faulted(new RemediationStepFailedException($"step '{step.Name}': {outcome.Summary}"));
        }

        return outcome is { Status: ActionStatus.Succeeded, Compensation: { } compensation }
            ? context.Completed(new ExecuteStepLog
            {
                CorrelationId = arguments.CorrelationId,
                RemediationId = arguments.RemediationId,
                Attempt = arguments.Attempt,
                StepName = step.Name,
                Action = step.Action,
                Compensation = compensation,
            })
            : context.Completed();
    }

    public async Task<CompensationResult> Compensate(CompensateContext<ExecuteStepLog> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var log = context.Log;
        var started = time.GetTimestamp();
        var outcome = await executor.CompensateAsync(log.Compensation, dryRun: false, context.CancellationToken);
        await context.Publish(new RemediationStepFinished
        {
            CorrelationId = log.CorrelationId,
            RemediationId = log.RemediationId,
            Result = Result(log.Attempt, log.StepName, log.Action, "compensate", continueOnError: false, outcome, started),
        });
        return outcome.Succeeded
            ? context.Compensated()
            : context.Failed(new RemediationStepFailedException($"compensating step '{log.StepName}': {outcome.Summary}"));
    }

    private Task ReportAsync(ExecuteContext context, ExecuteStepArguments arguments, ActionOutcome outcome, long started) =>
        context.Publish(new RemediationStepFinished
        {
            CorrelationId = arguments.CorrelationId,
            RemediationId = arguments.RemediationId,
            Result = Result(arguments.Attempt, arguments.Step.Name, arguments.Step.Action, arguments.Phase, arguments.Step.ContinueOnError, outcome, started),
        });

    private RemediationStepResult Result(int attempt, string name, string action, string phase, bool continueOnError, ActionOutcome outcome, long started)
    {
        var duration = time.GetElapsedTime(started);
        metrics.StepFinished(action, phase, outcome.Status.ToString(), duration);
        return new()
        {
            Attempt = attempt,
            Name = name,
            Action = action,
            Phase = phase,
            Status = outcome.Status.ToString(),
            Summary = outcome.Summary,
            Before = outcome.Before,
            After = outcome.After,
            Requests = outcome.PlannedRequests,
            ContinueOnError = continueOnError,
            Duration = duration,
            At = time.GetUtcNow(),
        };
    }
}
