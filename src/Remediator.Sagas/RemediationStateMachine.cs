using MassTransit;
using MassTransit.Courier.Contracts;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Kubernetes.Actions;
using Remediator.Sagas.Activities;
using Remediator.Sagas.Api;
using Remediator.Sagas.Messages;
using Remediator.Sagas.Steps;
using Remediator.Sagas.Verification;

namespace Remediator.Sagas;

/// <summary>
/// One remediation per (rule, target). A request starts a run: the guards decide (Pending), an
/// approval may be awaited (AwaitingApproval, escalates on timeout), the steps run as a Courier
/// routing slip (Executing; a failing step makes Courier compensate the completed reversible steps
/// in reverse order: Compensating), then verification (Verifying: the resolved alert, rollout and
/// health checks as a second, non-destructive slip, within the window). A failed step (unless the
/// rule says <c>on-step-failure: escalate</c>) or failed verification climbs the rule's ladder
/// while attempts remain, else Failed and Escalated. Requests for the target while a run is active join it; a request after the run ended
/// starts a new run (a new RemediationId) on the same instance, the old run kept in its history.
/// </summary>
public sealed class RemediationStateMachine : MassTransitStateMachine<RemediationState>
{
    /// <summary>Finished runs an instance keeps for the API.</summary>
    public const int MaxPreviousRuns = 20;

    private const string IsolateAction = "isolate";

    private readonly TimeProvider _time;
    private readonly RemediationSagaOptions _options;
    private readonly KubernetesActionOptions _actions;

    public RemediationStateMachine(TimeProvider time, IOptions<RemediationSagaOptions> options, IOptions<KubernetesActionOptions> actions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(actions);
        _time = time;
        _options = options.Value;
        _actions = actions.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Requested, x => x.CorrelateById(c => RemediationCorrelation.For(c.Message.RuleName, c.Message.Target)));
        // Addressed like a request (rule + target), so the instance is found by id. It may come
        // first (the resolution overtook the firing alert's request): the instance is then created
        // Idle, remembering the resolution, and the request that follows is cancelled at once.
        Event(() => AlertResolved, x => x.CorrelateById(c => RemediationCorrelation.For(c.Message.RuleName, c.Message.Target)));
        Event(() => StepFinished, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => StepsCompleted, x =>
        {
            x.CorrelateById(c => RoutingSlips.CorrelationId(c.Message.Variables));
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => StepsFaulted, x =>
        {
            x.CorrelateById(c => RoutingSlips.CorrelationId(c.Message.Variables));
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => StepsCompensationFailed, x =>
        {
            x.CorrelateById(c => RoutingSlips.CorrelationId(c.Message.Variables));
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Approve, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Reject, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Cancel, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Restore, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => DependentWaits, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => RootFinished, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => NotificationDelivered, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Escalate, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => RootWaitTimeout, x => x.RootWaitTimeoutTokenId, s =>
        {
            s.Delay = _options.RootWaitTimeout;
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });
        Schedule(() => ApprovalTimeout, x => x.ApprovalTimeoutTokenId, s =>
        {
            s.Delay = _options.ApprovalTimeout;
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });
        Schedule(() => ExecutionTimeout, x => x.ExecutionTimeoutTokenId, s =>
        {
            s.Delay = _options.ExecutionGrace;
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });
        Schedule(() => VerificationTimeout, x => x.VerificationTimeoutTokenId, s =>
        {
            s.Delay = new VerificationPlan().Window;
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });

        // A run the guards let act gives its slot back and starts the target's cooldown, however it ended.
        // Runs waiting for this one (a cascade's dependents) hear how it ended.
        // Every ending goes to the history the effectiveness figures are computed from.
        WhenEnter(Succeeded, x => x.Activity(a => a.OfType<ReleaseGuardSlotActivity>()).Activity(a => a.OfType<RecordHistoryActivity>()).ThenAsync(TellDependentsAsync));
        WhenEnter(Escalated, x => x.Activity(a => a.OfType<ReleaseGuardSlotActivity>()).Activity(a => a.OfType<RecordHistoryActivity>()).ThenAsync(TellDependentsAsync));
        WhenEnter(Cancelled, x => x.Activity(a => a.OfType<ReleaseGuardSlotActivity>()).Activity(a => a.OfType<RecordHistoryActivity>()).ThenAsync(TellDependentsAsync));
        WhenEnter(Refused, x => x.Activity(a => a.OfType<RecordHistoryActivity>()).ThenAsync(TellDependentsAsync));

        // Events a state has no use for (a firing alert, a late step report) are dropped, not faulted.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            StartRun(When(Requested)),
            When(AlertResolved)
                .Then(c => c.Saga.RememberResolved(c.Message.Alert))
                .TransitionTo(Idle));

        DuringAny(When(AlertResolved).Then(c => c.Saga.RememberResolved(c.Message.Alert)));

        // A dependent found this target's run active and waits for it: it is told when the run
        // ends, or at once when it already has (or when a newer run replaced it).
        DuringAny(
            When(DependentWaits)
                .IfElse(
                    c => c.Message.RootRemediationId == c.Saga.Run.RemediationId && IsActive(c.Saga),
                    waiting => waiting.Then(c =>
                    {
                        c.Saga.Run.Dependents = [.. c.Saga.Run.Dependents, new CascadeDependent(c.Message.DependentCorrelationId, c.Message.DependentRemediationId)];
                        c.Saga.Run.Note(Now, $"remediation {c.Message.DependentRemediationId} of a dependent waits for this run's outcome");
                    }),
                    ended => ended.PublishAsync(c => c.Init<RootRemediationFinished>(RootFinishedFor(c.Saga, c.Message.RootRemediationId, new CascadeDependent(c.Message.DependentCorrelationId, c.Message.DependentRemediationId))))));

        During(
            WaitingForRoot,
            When(RootFinished, c => c.Message.DependentRemediationId == c.Saga.Run.RemediationId)
                .Unschedule(RootWaitTimeout)
                .IfElse(
                    c => c.Message.State == Succeeded.Name,
                    succeeded => succeeded
                        .Then(c =>
                        {
                            c.Saga.Run.WaitingFor = c.Saga.Run.WaitingFor! with { Succeeded = true };
                            c.Saga.Run.Note(Now, $"the root's remediation succeeded ({c.Message.Outcome}): giving this alert {_options.CascadeSettle} to resolve before acting");
                        })
                        .Schedule(RootWaitTimeout, c => new RootWaitTimedOut { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId }, c => _options.CascadeSettle),
                    other => Proceed(other.Then(c => c.Saga.Run.Note(Now, $"the root's remediation ended {c.Message.State} ({c.Message.Outcome}): remediating {c.Saga.Run.Target} on its own")))),
            Proceed(When(RootWaitTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Then(c => c.Saga.Run.Note(
                    Now,
                    c.Saga.Run.WaitingFor!.Succeeded
                        ? $"still firing {_options.CascadeSettle} after the root's remediation succeeded: remediating {c.Saga.Run.Target} itself"
                        : $"the root's remediation did not end within {_options.RootWaitTimeout}: remediating {c.Saga.Run.Target} without it"))));

        During(
            [Pending, WaitingForRoot, AwaitingApproval, Executing, Compensating, Verifying, Cancelling],
            When(Requested, c => !c.Saga.Run.Knows(c.Message.RequestId))
                .Activity(x => x.OfType<RecordFiringActivity>())
                .Then(c => c.Saga.Run.Join(Now, c.Message.RequestId, c.Message.Alert.Fingerprint, BeginRunActivity.Describe(c.Message.Alert))));

        During(
            [Idle, Succeeded, Escalated, Cancelled, Refused],
            StartRun(When(Requested, c => !c.Saga.Run.Knows(c.Message.RequestId))));

        During(
            Pending,
            WaitingForRoot,
            AwaitingApproval,
            When(AlertResolved, c => IsForRun(c.Saga, c.Message))
                .Then(c => EndCancelled(c.Saga, c.Saga.Run.WaitingFor is { } root
                    ? $"alert {c.Message.Alert.Fingerprint} resolved while waiting for the remediation of {root.TargetKey}: fixing the root was enough"
                    : $"alert {c.Message.Alert.Fingerprint} resolved before any action: nothing left to fix"))
                .Unschedule(ApprovalTimeout)
                .Unschedule(RootWaitTimeout)
                .Publish(c => CancelledEvent(c.Saga))
                .TransitionTo(Cancelled));

        During(
            AwaitingApproval,
            Decide(When(Approve, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Unschedule(ApprovalTimeout)
                .Then(c =>
                {
                    c.Saga.Run.Approved = true;
                    c.Saga.Run.Note(Now, $"approved{By(c.Message.By, c.Message.Comment)}");
                })
                .Activity(x => x.OfInstanceType<AdmitActivity>())
                .Then(c => c.Saga.Run.Note(Now, $"guards: {c.Saga.Run.Gate!.Verdict}: {c.Saga.Run.Gate.Reason}"))),
            When(Reject, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Unschedule(ApprovalTimeout)
                .Then(c => EndCancelled(c.Saga, $"rejected{By(c.Message.By, c.Message.Comment)}"))
                .Publish(c => CancelledEvent(c.Saga))
                .TransitionTo(Cancelled),
            When(ApprovalTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Then(c => Escalating(c.Saga, $"no approval within {_options.ApprovalTimeout}"))
                .Publish(c => EscalatedEvent(c.Saga))
                .TransitionTo(Escalated));

        // Nothing has acted yet: the run ends at once.
        During(
            Pending,
            WaitingForRoot,
            AwaitingApproval,
            When(Cancel, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Unschedule(RootWaitTimeout)
                .Unschedule(ApprovalTimeout)
                .Then(c => EndCancelled(c.Saga, $"cancelled{By(c.Message.By, c.Message.Comment)}"))
                .Publish(c => CancelledEvent(c.Saga))
                .TransitionTo(Cancelled));

        During(
            Executing,
            When(StepFinished, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Then(c => RecordStep(c.Saga.Run, c.Message))
                .If(
                    c => c.Message.Result is { Phase: ExecuteStepActivity.ExecutePhase, Status: "Failed", ContinueOnError: false },
                    failed => failed
                        .Then(c => c.Saga.Run.Record(Now, Compensating.Name, $"step '{c.Message.Result.Name}' failed: compensating the completed reversible steps"))
                        .TransitionTo(Compensating)));

        During(
            [Compensating, Verifying, Cancelling, Succeeded, Escalated, Cancelled],
            When(StepFinished, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Then(c => c.Saga.Run.AddStep(c.Message.Result))
                .Then(c => TrackIsolation(c.Saga.Run, c.Message)));

        // An attempt whose deadline closed it may still complete (its last step was already acting):
        // the report its completion carries is recorded like a late step report.
        During(
            [Verifying, Succeeded, Escalated, Cancelled],
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => RecordLastStep(c.Saga.Run, c.Message)));

        // A notify step's deliveries report back whenever the channels answer, often after the run
        // ended: recorded on the run they belong to, whatever its state.
        DuringAny(
            When(NotificationDelivered)
                .Then(c => c.Saga.FindRun(c.Message.RemediationId)?.RecordDelivery(c.Message)));

        // An escalated run's alert resolving is news for whoever was paged: the escalation of this
        // run hears it by id (no lookup by fingerprint per alert).
        During(
            Escalated,
            When(AlertResolved, c => IsForRun(c.Saga, c.Message))
                .Then(c => NoteResolved(c.Saga.Run, c.Message.Alert))
                .Publish(c => new RemediationAlertResolved { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId, Fingerprint = c.Message.Alert.Fingerprint, At = Now }));

        // The recovery: once people fixed the root, undo what the run's isolation changed (in
        // reverse order). People ask for it, so it is not gated by the guards; it runs through the
        // step journal like any step that acts.
        During(
            Succeeded,
            Escalated,
            When(Restore, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Saga.Run.Isolations.Count > 0 && c.Saga.Run.RestoreTrackingNumber is null)
                .Then(c => c.Saga.Run.Note(Now, $"recovery{By(c.Message.By, c.Message.Comment)}: undoing {string.Join(", ", c.Saga.Run.Isolations.Select(i => $"'{i.StepName}'"))}"))
                .Activity(x => x.OfInstanceType<StartRestoreActivity>()),
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.RestoreTrackingNumber)
                .Then(c =>
                {
                    c.Saga.Run.Note(Now, "recovery done: what the isolation changed is restored");
                    c.Saga.Run.Isolations = [];
                    c.Saga.Run.RestoreTrackingNumber = null;
                }),
            When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.RestoreTrackingNumber)
                .Then(c =>
                {
                    c.Saga.Run.Note(Now, $"recovery failed: {RoutingSlips.FaultReason(c.Message)}; the isolation is still in place");
                    c.Saga.Run.RestoreTrackingNumber = null;
                }),
            When(StepsCompensationFailed, c => c.Message.TrackingNumber == c.Saga.Run.RestoreTrackingNumber)
                .Then(c =>
                {
                    c.Saga.Run.Note(Now, $"recovery failed: {RoutingSlips.FaultReason(c.Message)}; what was not restored is still isolated");
                    c.Saga.Run.RestoreTrackingNumber = null;
                }));

        During(
            Executing,
            Compensating,
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Unschedule(ExecutionTimeout)
                .Then(c => RecordLastStep(c.Saga.Run, c.Message))
                .Then(c => c.Saga.Run.Note(Now, $"steps of attempt {c.Saga.Run.Attempt} completed"))
                .IfElse(
                    c => c.Saga.Run.DryRun,
                    dry => dry
                        .Then(c => Succeeding(c.Saga, "dry-run: nothing was changed, so there is nothing to verify"))
                        .Publish(c => SucceededEvent(c.Saga))
                        .TransitionTo(Succeeded),
                    Verify),
            // A failed step climbs the ladder like a failed verification, unless the rule says to escalate.
            When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Unschedule(ExecutionTimeout)
                .IfElse(
                    c => c.Saga.Run.Plan!.OnStepFailure == StepFailure.Climb && CanClimb(c.Saga.Run),
                    climb => Climb(climb, c => $"failed: {RoutingSlips.FaultReason(c.Message)}; completed reversible steps were compensated"),
                    escalate => escalate
                        .Then(c => Failing(c.Saga, $"attempt {c.Saga.Run.Attempt}: {RoutingSlips.FaultReason(c.Message)}; completed reversible steps were compensated"))
                        .Publish(c => FailedEvent(c.Saga))
                        .Publish(c => EscalatedEvent(c.Saga))
                        .TransitionTo(Escalated)),
            // Courier stopped undoing at the step it could not undo: the attempt fails now (no
            // ladder: the next rung would act on a half-undone target) and on-call is paged.
            When(StepsCompensationFailed, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Unschedule(ExecutionTimeout)
                .Then(c => Failing(c.Saga, $"attempt {c.Saga.Run.Attempt}: a step failed, and undoing the completed steps failed ({RoutingSlips.FaultReason(c.Message)}): what that step and the ones before it changed is still in place"))
                .Publish(c => FailedEvent(c.Saga))
                .Publish(c => EscalatedEvent(c.Saga))
                .TransitionTo(Escalated),
            When(AlertResolved, c => IsForRun(c.Saga, c.Message))
                .Then(c => NoteResolved(c.Saga.Run, c.Message.Alert)));

        // Cancelled while acting: the journal is sealed, so a step that has not begun never will;
        // the one under way finishes (a Kubernetes write is never cut off midway). Once the
        // attempt's slip has ended, what the attempt changed is undone as the rule says, exactly
        // as a failed attempt's compensation would (StartUndoActivity), and the run ends Cancelled.
        During(
            Executing,
            Compensating,
            When(Cancel, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                .Then(c => BeginCancelling(c.Saga, c.Message, c.Saga.CurrentState == Executing.Name ? "executing" : "compensating", "no further step starts; the step under way finishes, then"))
                .TransitionTo(Cancelling));

        // Verifying: the attempt's steps have all ended, so the undo starts at once.
        During(
            Verifying,
            Undo(When(Cancel, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Unschedule(VerificationTimeout)
                .Then(c => BeginCancelling(c.Saga, c.Message, "verifying", "verification stops, and"))
                .TransitionTo(Cancelling)));

        During(
            Cancelling,
            Undo(When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => RecordLastStep(c.Saga.Run, c.Message))
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} ended"))),
            Undo(When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} ended: {RoutingSlips.FaultReason(c.Message)}; the completed steps were compensated as the rule says"))),
            Undo(When(StepsCompensationFailed, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} ended: a step failed, and undoing the completed steps failed ({RoutingSlips.FaultReason(c.Message)})"))),
            // The slip (or the undo's) never reported back: lost with an engine that stopped. The
            // journal knows what ran and what was already undone, so undoing again repeats nothing.
            Undo(When(ExecutionTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} or their undo did not report back (the engine stopped, or they outlived their deadline): undoing what the step journal says ran"))),
            EndCancelling(
                When(StepsCompleted, c => c.Saga.Run.Cancellation!.UndoTrackingNumber is { } undo && c.Message.TrackingNumber == undo),
                c => $"undone as the rule says: {c.Saga.Run.Cancellation!.Plan}"),
            EndCancelling(
                When(StepsFaulted, c => c.Saga.Run.Cancellation!.UndoTrackingNumber is { } undo && c.Message.TrackingNumber == undo),
                c => $"the undo failed ({RoutingSlips.FaultReason(c.Message)}), so what it did not undo is still in place: {c.Saga.Run.Cancellation!.Plan}"),
            EndCancelling(
                When(StepsCompensationFailed, c => c.Saga.Run.Cancellation!.UndoTrackingNumber is { } undo && c.Message.TrackingNumber == undo),
                c => $"the undo failed ({RoutingSlips.FaultReason(c.Message)}), so what it did not undo is still in place: {c.Saga.Run.Cancellation!.Plan}"),
            When(AlertResolved, c => IsForRun(c.Saga, c.Message))
                .Then(c => NoteResolved(c.Saga.Run, c.Message.Alert)));

        // The attempt's steps should long have finished: they were lost with an engine that died
        // mid-step (in-memory bus) or they hang. The attempt is closed, so none of its steps that
        // had not begun ever will, and verification decides; never a silent Executing forever.
        During(
            Executing,
            When(ExecutionTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                .Then(c =>
                {
                    c.Saga.Run.Uncertain = true;
                    c.Saga.Run.Note(Now, c.Message.Reason ?? $"the steps of attempt {c.Saga.Run.Attempt} did not finish within {ExecutionDeadline(c.Saga.Run)} (the engine may have stopped mid-step): the attempt is closed and verification decides");
                })
                .IfElse(
                    c => c.Saga.Run.DryRun,
                    dry => dry
                        .Then(c => Escalating(c.Saga, "the dry run's steps did not finish"))
                        .Publish(c => EscalatedEvent(c.Saga))
                        .TransitionTo(Escalated),
                    Verify));

        During(
            Compensating,
            When(ExecutionTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                .Then(c => Failing(c.Saga, $"attempt {c.Saga.Run.Attempt}: a step failed and the compensation did not finish within {ExecutionDeadline(c.Saga.Run)}; what it restored is unknown"))
                .Publish(c => FailedEvent(c.Saga))
                .Publish(c => EscalatedEvent(c.Saga))
                .TransitionTo(Escalated));

        // The reconciler found the run stuck where nothing can move it: it escalates, saying why.
        During(
            [Pending, WaitingForRoot, AwaitingApproval, Executing, Compensating, Verifying, Cancelling],
            When(Escalate, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                .Unschedule(RootWaitTimeout)
                .Unschedule(ApprovalTimeout)
                .Unschedule(ExecutionTimeout)
                .Unschedule(VerificationTimeout)
                .Then(c => Escalating(c.Saga, c.Message.Reason))
                .Publish(c => EscalatedEvent(c.Saga))
                .TransitionTo(Escalated));

        During(
            Verifying,
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.VerificationTrackingNumber)
                .Then(c =>
                {
                    c.Saga.Run.ChecksPassed = true;
                    c.Saga.Run.Note(Now, "verification checks passed");
                })
                .If(c => IsVerified(c.Saga.Run), SucceedVerified),
            When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.VerificationTrackingNumber)
                .Unschedule(VerificationTimeout)
                .IfElse(c => CanClimb(c.Saga.Run), climb => Climb(climb, c => $"failed verification: verification check failed: {RoutingSlips.FaultReason(c.Message)}"), c => GiveUp(c, x => $"verification check failed: {RoutingSlips.FaultReason(x.Message)}")),
            When(AlertResolved, c => IsForRun(c.Saga, c.Message))
                .Then(c => NoteResolved(c.Saga.Run, c.Message.Alert))
                .If(c => IsVerified(c.Saga.Run), SucceedVerified),
            When(VerificationTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .IfElse(c => CanClimb(c.Saga.Run), climb => Climb(climb, c => $"failed verification: {MissingConditions(c.Saga.Run)}"), c => GiveUp(c, x => MissingConditions(x.Saga.Run))));
    }

    /// <summary>No run yet: the instance only remembers resolutions that arrived before any request.</summary>
    public State Idle { get; private set; } = null!;

    public State Pending { get; private set; } = null!;

    /// <summary>A cascade's dependent: the target depends on a workload under remediation, whose outcome comes first.</summary>
    public State WaitingForRoot { get; private set; } = null!;

    public State AwaitingApproval { get; private set; } = null!;

    public State Executing { get; private set; } = null!;

    public State Compensating { get; private set; } = null!;

    public State Verifying { get; private set; } = null!;

    /// <summary>Cancelled while acting: the step under way finishes, then what the attempt changed is undone as the rule says.</summary>
    public State Cancelling { get; private set; } = null!;

    public State Succeeded { get; private set; } = null!;

    /// <summary>Passed through on the way to <see cref="Escalated"/>: a failed run always escalates.</summary>
    public State Failed { get; private set; } = null!;

    public State Escalated { get; private set; } = null!;

    public State Cancelled { get; private set; } = null!;

    /// <summary>The guards refused the run.</summary>
    public State Refused { get; private set; } = null!;

    public Event<RemediationRequested> Requested { get; private set; } = null!;

    public Event<TargetAlertResolved> AlertResolved { get; private set; } = null!;

    public Event<RemediationStepFinished> StepFinished { get; private set; } = null!;

    public Event<RoutingSlipCompleted> StepsCompleted { get; private set; } = null!;

    public Event<RoutingSlipFaulted> StepsFaulted { get; private set; } = null!;

    /// <summary>A step failed and undoing a completed step failed too: Courier stops, and what that step changed is still in place.</summary>
    public Event<RoutingSlipCompensationFailed> StepsCompensationFailed { get; private set; } = null!;

    public Event<ApproveRemediation> Approve { get; private set; } = null!;

    public Event<RestoreRemediation> Restore { get; private set; } = null!;

    public Event<DependentWaiting> DependentWaits { get; private set; } = null!;

    public Event<RootRemediationFinished> RootFinished { get; private set; } = null!;

    public Event<RemediationNotificationDelivered> NotificationDelivered { get; private set; } = null!;

    public Schedule<RemediationState, RootWaitTimedOut> RootWaitTimeout { get; private set; } = null!;

    public Event<RejectRemediation> Reject { get; private set; } = null!;

    public Event<CancelRemediation> Cancel { get; private set; } = null!;

    public Event<EscalateRemediation> Escalate { get; private set; } = null!;

    public Schedule<RemediationState, ApprovalTimedOut> ApprovalTimeout { get; private set; } = null!;

    public Schedule<RemediationState, ExecutionTimedOut> ExecutionTimeout { get; private set; } = null!;

    public Schedule<RemediationState, VerificationTimedOut> VerificationTimeout { get; private set; } = null!;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The checks verification runs through the executor: non-destructive steps.</summary>
    internal static IReadOnlyList<PlannedStep> VerificationSteps(VerificationPlan? plan)
    {
        if (plan is null)
        {
            return [];
        }

        var steps = new List<PlannedStep>();
        if (plan.RolloutComplete)
        {
            steps.Add(new PlannedStep { Name = "verify-rollout", Action = "wait-for-rollout", Timeout = plan.Window });
        }

        if (plan.HealthCheck is { } check)
        {
            var parameters = new Dictionary<string, string>
            {
                ["port"] = check.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["path"] = check.Path,
            };
            if (check.JsonField is not null && check.ExpectedValue is not null)
            {
                parameters["json-field"] = check.JsonField;
                parameters["expect"] = check.ExpectedValue;
            }

            steps.Add(new PlannedStep { Name = "verify-health", Action = "health-check", Parameters = parameters });
        }

        if (plan.PromQl is { } promQl)
        {
            steps.Add(new PlannedStep { Name = "verify-promql", Action = PromQlCondition.Action, Parameters = new Dictionary<string, string> { [PromQlCondition.QueryParameter] = promQl }, Timeout = plan.Window });
        }

        return steps;
    }

    private EventActivityBinder<RemediationState, RemediationRequested> StartRun(EventActivityBinder<RemediationState, RemediationRequested> binder) =>
        binder
            .Activity(x => x.OfType<RecordFiringActivity>())
            .Activity(x => x.OfType<BeginRunActivity>())
            .IfElse(
                c => c.Saga.Run.RemediationId != c.Message.RequestId,
                joined => joined,
                fresh => Decide(fresh
                    .TransitionTo(Pending)
                    .If(c => c.Saga.Run.ResolvedBeforeStart, resolved => resolved
                        .Then(c => EndCancelled(c.Saga, $"alert {c.Message.Alert.Fingerprint} resolved before the remediation started: nothing left to fix"))
                        .Publish(c => CancelledEvent(c.Saga))
                        .TransitionTo(Cancelled))));

    /// <summary>Acts on the guards' last decision (<see cref="RemediationRun.Gate"/>) for the run's first attempt.</summary>
    private EventActivityBinder<RemediationState, T> Decide<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .If(c => !c.Saga.Run.ResolvedBeforeStart && c.Saga.Run.WaitingFor is not null, Wait)
            .If(c => !c.Saga.Run.ResolvedBeforeStart && c.Saga.Run.WaitingFor is null, Act);

    private EventActivityBinder<RemediationState, T> Wait<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Then(c => c.Saga.Run.Record(Now, WaitingForRoot.Name, $"{c.Saga.Run.Target} depends on {c.Saga.Run.WaitingFor!.TargetKey}, whose remediation {c.Saga.Run.WaitingFor.RemediationId} (rule '{c.Saga.Run.WaitingFor.RuleName}') is active: waiting up to {_options.RootWaitTimeout} for its outcome before acting"))
            .PublishAsync(c => c.Init<DependentWaiting>(new DependentWaiting
            {
                CorrelationId = c.Saga.Run.WaitingFor!.CorrelationId,
                RootRemediationId = c.Saga.Run.WaitingFor.RemediationId,
                DependentCorrelationId = c.Saga.CorrelationId,
                DependentRemediationId = c.Saga.Run.RemediationId,
            }))
            .Schedule(RootWaitTimeout, c => new RootWaitTimedOut { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId }, c => _options.RootWaitTimeout)
            .TransitionTo(WaitingForRoot);

    /// <summary>The wait for the root is over: the guards decide about the run's own steps.</summary>
    private EventActivityBinder<RemediationState, T> Proceed<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        Decide(binder
            .Then(c => c.Saga.Run.WaitingFor = null)
            .Activity(x => x.OfInstanceType<AdmitActivity>())
            .Then(c => c.Saga.Run.Note(Now, $"guards: {c.Saga.Run.Gate!.Verdict}: {c.Saga.Run.Gate.Reason}")));

    private EventActivityBinder<RemediationState, T> Act<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder.IfElse(
            c => c.Saga.Run.Gate!.Verdict is GateVerdict.Allow or GateVerdict.DryRunOnly,
            StartAttempt,
            other => other.IfElse(
                c => c.Saga.Run.Gate!.Verdict == GateVerdict.RequireApproval,
                approval => approval
                    .Then(c => c.Saga.Run.Record(Now, AwaitingApproval.Name, $"approval required within {_options.ApprovalTimeout}: {c.Saga.Run.Gate!.Reason}"))
                    .Publish(c => Notice(c.Saga, "approval-needed", $"needs approval within {_options.ApprovalTimeout} (POST /api/v1/remediations/{c.Saga.Run.RemediationId}/approve or reject): {c.Saga.Run.Gate!.Reason}"))
                    .Schedule(ApprovalTimeout, c => new ApprovalTimedOut { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId })
                    .TransitionTo(AwaitingApproval),
                stop => stop.IfElse(
                    c => c.Saga.Run.Gate!.Verdict == GateVerdict.Escalate,
                    escalate => escalate
                        .Then(c => Escalating(c.Saga, $"stopped by the guards: {c.Saga.Run.Gate!.Reason}"))
                        .Publish(c => EscalatedEvent(c.Saga))
                        .TransitionTo(Escalated),
                    refuse => refuse
                        .Then(c =>
                        {
                            c.Saga.Run.Outcome = $"refused by the guards: {c.Saga.Run.Gate!.Reason}";
                            c.Saga.Run.FinishedAt = Now;
                            c.Saga.Run.Record(Now, Refused.Name, c.Saga.Run.Outcome);
                        })
                        .TransitionTo(Refused)
                        .Publish(c => RefusedEvent(c.Saga))
                        .If(c => c.Saga.Run.Gate!.Notify, notify => notify.Publish(c => Notice(c.Saga, "refused", c.Saga.Run.Outcome!))))));

    private EventActivityBinder<RemediationState, T> StartAttempt<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Activity(x => x.OfInstanceType<StartAttemptActivity>())
            .Schedule(ExecutionTimeout, c => new ExecutionTimedOut { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId, Attempt = c.Saga.Run.Attempt }, c => ExecutionDeadline(c.Saga.Run))
            .TransitionTo(Executing);

    /// <summary>Undoes what the cancelled run's attempt changed; ends it at once when there is nothing to undo.</summary>
    private EventActivityBinder<RemediationState, T> Undo<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Activity(x => x.OfInstanceType<StartUndoActivity>())
            .IfElse(
                c => c.Saga.Run.Cancellation!.UndoTrackingNumber is null,
                nothing => EndCancelling(nothing, c => c.Saga.Run.Cancellation!.Plan),
                undoing => undoing.Schedule(ExecutionTimeout, c => new ExecutionTimedOut { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId, Attempt = c.Saga.Run.Attempt }, c => UndoDeadline(c.Saga.Run)));

    private EventActivityBinder<RemediationState, T> EndCancelling<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> how)
        where T : class =>
        binder
            .Unschedule(ExecutionTimeout)
            .Activity(x => x.OfInstanceType<AssessUndoActivity>())
            .Then(c => EndCancelled(c.Saga, $"{c.Saga.Run.Cancellation!.Reason} while {c.Saga.Run.Cancellation.From} attempt {c.Saga.Run.Attempt}: {how(c)}{LeftInPlace(c.Saga.Run.Cancellation)}"))
            .Publish(c => CancelledEvent(c.Saga))

            // The operator asked for the cancel, so the run ends Cancelled; but a cluster left
            // half-undone needs a person: on-call is paged as for a failed run.
            .If(c => c.Saga.Run.Cancellation!.LeftInPlace.Count > 0, halfUndone => halfUndone.Publish(c => EscalatedEvent(c.Saga)))
            .TransitionTo(Cancelled);

    private static string LeftInPlace(RunCancellation cancellation) =>
        cancellation.LeftInPlace.Count == 0 ? "" : $"; still in place, paging on-call: {string.Join("; ", cancellation.LeftInPlace)}";

    private void BeginCancelling(RemediationState saga, CancelRemediation cancel, string doing, string then)
    {
        saga.Run.Cancellation = new RunCancellation { Reason = $"cancelled{By(cancel.By, cancel.Comment)}", From = doing };
        saga.Run.Record(Now, Cancelling.Name, $"cancel requested{By(cancel.By, cancel.Comment)} while {doing} attempt {saga.Run.Attempt}: {then} what the attempt changed is undone as the rule says");
    }

    /// <summary>How long the undo's steps may take: the executor's default step timeout each, plus <see cref="RemediationSagaOptions.ExecutionGrace"/>.</summary>
    private TimeSpan UndoDeadline(RemediationRun run) =>
        _options.ExecutionGrace + (_actions.DefaultStepTimeout * run.Cancellation!.Undoing);

    private EventActivityBinder<RemediationState, T> Verify<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Activity(x => x.OfInstanceType<StartVerificationActivity>())
            .TransitionTo(Verifying)

            // A rule without verification (or whose checks need nothing) is verified at once: no timer to arm and cancel.
            .IfElse(
                c => IsVerified(c.Saga.Run),
                SucceedVerified,
                wait => wait.Schedule(VerificationTimeout, c => new VerificationTimedOut { CorrelationId = c.Saga.CorrelationId, RemediationId = c.Saga.Run.RemediationId, Attempt = c.Saga.Run.Attempt }, c => VerificationDeadline(c.Saga.Run)));

    /// <summary>How long the attempt's steps may take: each step's timeout (or the executor's default), plus <see cref="RemediationSagaOptions.ExecutionGrace"/>.</summary>
    internal TimeSpan ExecutionDeadline(RemediationRun run) =>
        run.CurrentSteps.Aggregate(
            _options.ExecutionGrace,
            (total, step) => total + (step.Timeout ?? (step.Action == "wait-for-rollout" ? _actions.DefaultRolloutTimeout : _actions.DefaultStepTimeout)));

    private static async Task TellDependentsAsync(BehaviorContext<RemediationState> context)
    {
        foreach (var dependent in context.Saga.Run.Dependents)
        {
            await context.Publish(RootFinishedFor(context.Saga, context.Saga.Run.RemediationId, dependent));
        }
    }

    /// <summary>How the root's run ended, for a dependent; a run a newer one replaced has simply ended.</summary>
    private static RootRemediationFinished RootFinishedFor(RemediationState saga, Guid rootRemediationId, CascadeDependent dependent)
    {
        var current = rootRemediationId == saga.Run.RemediationId;
        return new RootRemediationFinished
        {
            CorrelationId = dependent.CorrelationId,
            DependentRemediationId = dependent.RemediationId,
            RootRemediationId = rootRemediationId,
            State = current ? saga.Run.State : "Ended",
            Outcome = current ? saga.Run.Outcome ?? "" : "a newer run has replaced it",
        };
    }

    private static bool IsActive(RemediationState saga) =>
        saga.Run.RemediationId != Guid.Empty && !RemediationStates.Final.Contains(saga.Run.State);

    /// <summary>An attempt's step reported (by its own message, or the last one in the slip's completion).</summary>
    private void RecordStep(RemediationRun run, RemediationStepFinished finished)
    {
        run.AddStep(finished.Result);
        TrackIsolation(run, finished);
        if (finished.Result.Status == ExecuteStepActivity.UnknownStatus)
        {
            run.Uncertain = true;
            run.Note(Now, $"step '{finished.Result.Name}' was interrupted by an engine stop; its outcome is unknown, so it is not repeated and verification decides");
        }
    }

    private void RecordLastStep(RemediationRun run, RoutingSlipCompleted completed)
    {
        if (RoutingSlips.LastStep(completed) is { } last)
        {
            RecordStep(run, last);
        }
    }

    /// <summary>
    /// Keeps the inverse of each isolation that took effect, and forgets one that Courier undid
    /// (a later step failed): what is left is what the recovery restores.
    /// </summary>
    private static void TrackIsolation(RemediationRun run, RemediationStepFinished finished)
    {
        var result = finished.Result;
        if (result.Action != IsolateAction || result.Status != nameof(ActionStatus.Succeeded))
        {
            return;
        }

        if (result.Phase == ExecuteStepActivity.ExecutePhase && finished.Compensation is { } compensation)
        {
            run.Isolations = [.. run.Isolations, new IsolationRecord(result.Name, compensation)];
        }
        else if (result.Phase == ExecuteStepActivity.CompensatePhase)
        {
            run.Isolations = [.. run.Isolations.Where(isolation => isolation.StepName != result.Name)];
        }
    }

    private EventActivityBinder<RemediationState, T> Climb<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> reason)
        where T : class =>
        binder
            .Then(c =>
            {
                var run = c.Saga.Run;
                var rung = run.Plan!.Ladder[run.Attempt - 1];
                run.Note(Now, $"attempt {run.Attempt} {reason(c)}; climbing to ladder rung '{rung.Name}'");
                run.Attempt++;
                run.CurrentSteps = rung.Steps;
                run.ChecksPassed = false;
                run.VerificationTrackingNumber = null;
            })
            .Activity(x => x.OfInstanceType<AdmitActivity>())
            .IfElse(
                c => c.Saga.Run.Gate!.Verdict is GateVerdict.Allow or GateVerdict.DryRunOnly,
                StartAttempt,
                stop => stop
                    .Then(c => Failing(c.Saga, $"the guards stopped attempt {c.Saga.Run.Attempt}: {c.Saga.Run.Gate!.Verdict}: {c.Saga.Run.Gate.Reason}"))
                    .If(c => c.Saga.Run.Gate!.Verdict == GateVerdict.Refuse, refused => refused.Publish(c => RefusedEvent(c.Saga)))
                    .Publish(c => FailedEvent(c.Saga))
                    .Publish(c => EscalatedEvent(c.Saga))
                    .TransitionTo(Escalated));

    private EventActivityBinder<RemediationState, T> GiveUp<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> reason)
        where T : class =>
        binder
            .Then(c => Failing(c.Saga, $"verification failed after {c.Saga.Run.Attempt} attempt(s) (max {c.Saga.Run.Plan!.Safety.MaxAttempts}, ladder of {c.Saga.Run.Plan.Ladder.Count}{(c.Saga.Run.Uncertain ? "; a step's outcome is unknown after an engine stop, so the ladder is not climbed" : "")}): {reason(c)}"))
            .Publish(c => FailedEvent(c.Saga))
            .Publish(c => EscalatedEvent(c.Saga))
            .TransitionTo(Escalated);

    private EventActivityBinder<RemediationState, T> SucceedVerified<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Unschedule(VerificationTimeout)
            .Then(c => Succeeding(c.Saga, VerifiedReason(c.Saga.Run)))
            .Publish(c => SucceededEvent(c.Saga))
            .TransitionTo(Succeeded);

    /// <summary>A next rung exists and is allowed; never after a step whose outcome is unknown, since the next rung would act blind.</summary>
    private static bool CanClimb(RemediationRun run) =>
        !run.Uncertain && run.Attempt < run.Plan!.Safety.MaxAttempts && run.Attempt - 1 < run.Plan.Ladder.Count;

    private static bool IsVerified(RemediationRun run) =>
        run.ChecksPassed && (run.Plan!.Verification?.AlertResolvedWithin is null || run.AlertResolvedAt is not null);

    internal static TimeSpan VerificationDeadline(RemediationRun run)
    {
        var plan = run.Plan!.Verification ?? new VerificationPlan();
        return plan.AlertResolvedWithin is { } within && within < plan.Window ? within : plan.Window;
    }

    private static string VerifiedReason(RemediationRun run)
    {
        var verification = run.Plan!.Verification;
        var checks = VerificationSteps(verification).Count;
        if (checks == 0 && verification?.AlertResolvedWithin is null)
        {
            return $"attempt {run.Attempt} completed; no verification configured";
        }

        return $"attempt {run.Attempt} verified: {(checks > 0 ? "checks passed" : "")}{(checks > 0 && run.AlertResolvedAt is not null ? ", " : "")}{(run.AlertResolvedAt is { } at ? $"alert resolved at {at:O}" : "")}";
    }

    private static string MissingConditions(RemediationRun run)
    {
        var missing = new List<string>();
        if (!run.ChecksPassed)
        {
            missing.Add("checks did not finish");
        }

        if (run.Plan!.Verification?.AlertResolvedWithin is { } within && run.AlertResolvedAt is null)
        {
            missing.Add($"the alert did not resolve within {within}");
        }

        return $"verification window of {VerificationDeadline(run)} passed: {string.Join("; ", missing)}";
    }

    private static bool IsForRun(RemediationState saga, TargetAlertResolved resolved) =>
        saga.Run.Fingerprints.Contains(resolved.Alert.Fingerprint);

    private void NoteResolved(RemediationRun run, AlertReceived alert)
    {
        run.AlertResolvedAt ??= alert.EndsAt ?? alert.ReceivedAt;
        run.Note(Now, $"alert {alert.Fingerprint} resolved");
    }

    private void Succeeding(RemediationState saga, string reason) => Finish(saga, Succeeded, reason, RemediationOutcome.Succeeded);

    private void EndCancelled(RemediationState saga, string reason) => Finish(saga, Cancelled, reason, RemediationOutcome.Cancelled);

    private void Escalating(RemediationState saga, string reason) => Finish(saga, Escalated, reason, RemediationOutcome.Escalated);

    private void Failing(RemediationState saga, string reason)
    {
        saga.Run.Record(Now, Failed.Name, reason);
        Finish(saga, Escalated, $"escalated: {reason}", RemediationOutcome.Failed);
    }

    private void Finish(RemediationState saga, State state, string reason, RemediationOutcome outcome)
    {
        saga.Run.FinalOutcome = outcome;
        saga.Run.Outcome = reason;
        saga.Run.FinishedAt = Now;
        saga.Run.Record(Now, state.Name, reason);
    }

    private static string By(string? by, string? comment) =>
        $"{(by is null ? "" : $" by {by}")}{(comment is null ? "" : $": {comment}")}";

    /// <summary>Information for the policy's notify channels (no tiers): an approval to give, a refusal to know of.</summary>
    private RemediationNotificationRequested Notice(RemediationState saga, string what, string message) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        Attempt = saga.Run.Attempt,
        StepName = what,
        DryRun = saga.Run.DryRun,
        Target = saga.Run.Target!,
        Parameters = new Dictionary<string, string> { ["message"] = $"{saga.Run.RuleName} on {saga.Run.Target}: {message}" },
        At = Now,
    };

    private static RemediationSucceeded SucceededEvent(RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    private static RemediationFailed FailedEvent(RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    /// <summary>The guards' refusal of the run's current attempt (<see cref="RemediationRun.Gate"/>).</summary>
    private RemediationRefused RefusedEvent(RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Alert = saga.Run.Alert,
        Guard = saga.Run.Gate!.Code,
        Reason = saga.Run.Gate.Reason,
        Attempt = saga.Run.Attempt,
        DryRun = saga.Run.DryRun,
        At = Now,
    };

    private static RemediationCancelled CancelledEvent(RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    private static RemediationEscalated EscalatedEvent(RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Severity = saga.Run.Plan!.Severity,
        EscalationPolicy = saga.Run.Plan.EscalationPolicy,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        Fingerprints = saga.Run.Fingerprints,
        GeneratorUrl = saga.Run.GeneratorUrl,
        Timeline = saga.Run.Timeline,
        Steps = saga.Run.Steps,
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };
}
