using System.Text.Json;
using MassTransit;
using Remediator.Contracts;
using Remediator.Persistence.Sagas;
using Remediator.Persistence.WarmUp;
using Remediator.Sagas.Messages;
using Remediator.Sagas.Steps;
using Remediator.Scheduling.Outbox;

namespace Remediator.Sagas;

/// <summary>
/// The remediation's hot path without its effects: a synthetic run stored and read back as the
/// saga table keeps it, its attempt's routing slip and the messages a step and a run end with
/// through the bus's serializer, and the saga row and step journal read for an id no run has. It
/// sends nothing, calls no cluster and writes no row.
/// </summary>
public sealed class RemediationWarmUp(DatabaseSagaStore<RemediationState> sagas, DatabaseStepJournal journal, TimeProvider timeProvider) : IWarmUp
{
    public string Name => "remediation saga";

    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var saga = SyntheticRun(now);
        var mapping = SagaHostingExtensions.RemediationSagaTable;
        JsonSerializer.Deserialize<RemediationState>(JsonSerializer.Serialize(saga, mapping.SerializerOptions), mapping.SerializerOptions);

        var run = saga.Run;
        BusRoundTrip.Of(RoutingSlips.Build(saga, NewId.NextGuid(), BusRoundTrip.Address, run.CurrentSteps, ExecuteStepActivity.ExecutePhase), timeProvider);
        var step = run.CurrentSteps[0];
        BusRoundTrip.Of(new RemediationStepFinished
        {
            CorrelationId = saga.CorrelationId,
            RemediationId = run.RemediationId,
            Result = new RemediationStepResult { Attempt = run.Attempt, Name = step.Name, Action = step.Action, Phase = ExecuteStepActivity.ExecutePhase, Status = WarmUpNames.Synthetic, Summary = WarmUpNames.Synthetic, At = now },
        }, timeProvider);
        BusRoundTrip.Of(new RemediationSucceeded { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId, RuleName = run.RuleName, Target = run.Target!, Attempts = run.Attempt, Reason = WarmUpNames.Synthetic, At = now }, timeProvider);

        // Read-only: the row and the journal of a run that does not exist.
        await sagas.GetAsync(saga.CorrelationId, cancellationToken);
        await journal.ListAsync(StepJournalKey.AttemptKey(run.RemediationId, run.Attempt), cancellationToken);
    }

    private static RemediationState SyntheticRun(DateTimeOffset now)
    {
        var target = new RemediationTarget { Kind = TargetKind.Deployment, Namespace = WarmUpNames.Synthetic, Name = WarmUpNames.Synthetic };
        var plan = new RemediationPlan
        {
            Steps = [new PlannedStep { Name = WarmUpNames.Synthetic, Action = WarmUpNames.Synthetic, Target = target }],
            Severity = WarmUpNames.Synthetic,
            Safety = new SafetyPolicy(),
        };
        return new RemediationState
        {
            CorrelationId = NewId.NextGuid(),
            CurrentState = RemediationStates.Executing,
            Run = new RemediationRun
            {
                RemediationId = NewId.NextGuid(),
                RuleName = WarmUpNames.Synthetic,
                Target = target,
                Plan = plan,
                RequestedAt = now,
                State = RemediationStates.Executing,
                Attempt = 1,
                CurrentSteps = plan.Steps,
                Fingerprints = [WarmUpNames.Synthetic],
            },
        };
    }
}
