using MassTransit;
using MassTransit.Courier.Contracts;
using MassTransit.Serialization;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Sagas.Messages;

namespace Remediator.Sagas.Steps;

/// <summary>How the saga hands steps to Courier: one routing slip per attempt, verification or recovery.</summary>
public static class RoutingSlips
{
    /// <summary>The routing slip variable that brings Courier's events back to the saga.</summary>
    public const string CorrelationVariable = "RemediationCorrelationId";

    /// <summary>The routing slip variable that carries an attempt's last step result (<see cref="ExecuteStepArguments.ReportsInCompletion"/>).</summary>
    public const string LastStepVariable = "RemediationLastStep";

    /// <summary>
    /// Runs <paramref name="steps"/> as one routing slip for the run's current attempt; for a
    /// recovery or an undo, <paramref name="restores"/> holds each step's inverse to apply, and
    /// <paramref name="indices"/> each step's journal index (its position in the attempt it undoes;
    /// by default its position in this slip).
    /// </summary>
    /// <returns>The slip's tracking number, by which the saga recognises its completion or fault.</returns>
    public static async Task<Guid> ExecuteAsync(BehaviorContext<RemediationState> context, IReadOnlyList<PlannedStep> steps, string phase, IReadOnlyList<Compensation>? restores = null, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trackingNumber = NewId.NextGuid();
        await context.Execute(Build(context.Saga, trackingNumber, context.ReceiveContext.InputAddress, steps, phase, restores, indices));
        return trackingNumber;
    }

    /// <summary>
    /// The slip <see cref="ExecuteAsync"/> runs for <paramref name="saga"/>'s current attempt, its
    /// end reported to <paramref name="subscriber"/> (the saga's queue).
    /// </summary>
    public static RoutingSlip Build(RemediationState saga, Guid trackingNumber, Uri subscriber, IReadOnlyList<PlannedStep> steps, string phase, IReadOnlyList<Compensation>? restores = null, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(steps);
        var run = saga.Run;
        var builder = new RoutingSlipBuilder(trackingNumber);
        foreach (var (index, step) in steps.Index())
        {
            builder.AddActivity(step.Name, ExecuteStepActivityDefinition.ExecuteAddress, new ExecuteStepArguments
            {
                Index = indices?[index] ?? index,
                ReportsInCompletion = phase == ExecuteStepActivity.ExecutePhase && index == steps.Count - 1,
                CorrelationId = saga.CorrelationId,
                RemediationId = run.RemediationId,
                Attempt = run.Attempt,
                Phase = phase,
                Step = step,
                Restore = restores?[index],
                Target = run.Target!,
                DryRun = run.DryRun,
                Origin = new ActionOrigin(run.RemediationId, run.RuleName, run.Alert),
            });
        }

        builder.AddVariable(CorrelationVariable, saga.CorrelationId);

        // Only the slip's end comes back, straight to the saga's own queue: with a subscription
        // Courier publishes none of its other events (per activity), which nobody consumes. A slip
        // whose compensation failed ends with CompensationFailed instead of Faulted.
        builder.AddSubscription(subscriber, RoutingSlipEvents.Completed | RoutingSlipEvents.Faulted | RoutingSlipEvents.CompensationFailed);
        return builder.Build();
    }

    /// <summary>The saga id Courier's events carry back in the slip's variables (a Guid, or its string or JSON form once serialized).</summary>
    public static Guid CorrelationId(IDictionary<string, object> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return variables.TryGetValue(CorrelationVariable, out var value)
            ? value switch
            {
                Guid id => id,
                string text when Guid.TryParse(text, out var id) => id,
                System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } json when json.TryGetGuid(out var id) => id,
                _ => Guid.Empty,
            }
            : Guid.Empty;
    }

    /// <summary>The last step's result the completion of an attempt's slip carries, if it does.</summary>
    public static RemediationStepFinished? LastStep(RoutingSlipCompleted completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return completed.Variables.TryGetValue(LastStepVariable, out RemediationStepFinished? finished) ? finished : null;
    }

    /// <summary>Why a slip faulted, for the timeline.</summary>
    public static string FaultReason(RoutingSlipFaulted faulted)
    {
        ArgumentNullException.ThrowIfNull(faulted);
        return faulted.ActivityExceptions.Length == 0
            ? "the routing slip faulted"
            : string.Join("; ", faulted.ActivityExceptions.Select(e => e.ExceptionInfo.Message));
    }

    /// <summary>Why a slip's compensation failed, for the timeline: the step that could not be undone and why (<c>compensating step 'scale': ...</c>).</summary>
    public static string FaultReason(RoutingSlipCompensationFailed failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        return failed.ExceptionInfo?.Message ?? "the routing slip's compensation failed";
    }
}
