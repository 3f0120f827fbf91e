using MassTransit;
using MassTransit.Courier.Contracts;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Kubernetes.Actions;
using Remediator.Sagas.Activities;
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
/// while attempts remain, else Failed and Escalated; a compensation that fails escalates at once.
/// Requests for the target while a run is active join it (most never reach the saga: the webhook
/// records them as joins while the run is marked active, see <see cref="Joins.IRunJoinStore"/>); a
/// request after the run ended starts a new run (a new RemediationId) on the same instance, the old
/// run kept in its history. Side
/// effects are activities (<see cref="Activities"/>), facts about a run live on
/// <see cref="RemediationRun"/>, and messages are built by <see cref="RunMessages"/>.
/// </summary>
public sealed class RemediationStateMachine : MassTransitStateMachine<RemediationState>
{
    /// <summary>Finished runs an instance keeps for the API.</summary>
    public const int MaxPreviousRuns = 20;

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
        Event(() => StepFinished, x => Existing(x, m => m.CorrelationId));
        Event(() => StepsCompleted, x => Existing(x, m => RoutingSlips.CorrelationId(m.Variables)));
        Event(() => StepsFaulted, x => Existing(x, m => RoutingSlips.CorrelationId(m.Variables)));
        Event(() => StepsCompensationFailed, x => Existing(x, m => RoutingSlips.CorrelationId(m.Variables)));
        Event(() => Approve, x => Existing(x, m => m.CorrelationId));
        Event(() => Reject, x => Existing(x, m => m.CorrelationId));
        Event(() => Cancel, x => Existing(x, m => m.CorrelationId));
        Event(() => Restore, x => Existing(x, m => m.CorrelationId));
        Event(() => DependentWaits, x => Existing(x, m => m.CorrelationId));
        Event(() => RootFinished, x => Existing(x, m => m.CorrelationId));
        Event(() => NotificationDelivered, x => Existing(x, m => m.CorrelationId));
        Event(() => Escalate, x => Existing(x, m => m.CorrelationId));
        Schedule(() => RootWaitTimeout, x => x.RootWaitTimeoutTokenId, s => Timer(s, _options.RootWaitTimeout, m => m.CorrelationId));
        Schedule(() => ApprovalTimeout, x => x.ApprovalTimeoutTokenId, s => Timer(s, _options.ApprovalTimeout, m => m.CorrelationId));
        Schedule(() => ExecutionTimeout, x => x.ExecutionTimeoutTokenId, s => Timer(s, _options.ExecutionGrace, m => m.CorrelationId));
        Schedule(() => VerificationTimeout, x => x.VerificationTimeoutTokenId, s => Timer(s, new VerificationPlan().Window, m => m.CorrelationId));

        // However a run ends: alerts stop joining it at the webhook and those that did are folded
        // in, a run the guards let act gives its slot back and starts the target's cooldown, the
        // ending goes to the history the effectiveness figures are computed from, and runs waiting
        // for this one (a cascade's dependents) hear how it ended.
        foreach (var final in new[] { Succeeded, Escalated, Cancelled, Refused })
        {
            WhenEnter(final, x => x
                .Activity(a => a.OfType<CloseJoinsActivity>())
                .Activity(a => a.OfType<ReleaseGuardSlotActivity>())
                .Activity(a => a.OfType<RecordHistoryActivity>())
                .Activity(a => a.OfType<TellDependentsActivity>()));
        }

        // Events a state has no use for (a firing alert, a late step report) are dropped, not faulted.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            StartRun(When(Requested)),
            When(AlertResolved).Then(c => c.Saga.RememberResolved(c.Message.Alert)).TransitionTo(Idle));

        // The resolution may be for an alert that joined the run at the webhook: those are folded
        // in first, so the handlers below (declared later, so run later) count it.
        DuringAny(When(AlertResolved)
            .Then(c => c.Saga.RememberResolved(c.Message.Alert))
            .If(c => c.Saga.Run.JoinsOpen && !c.Saga.Run.Has(c.Message.Alert), fold => fold.Activity(x => x.OfInstanceType<FoldJoinsActivity>())));

        // A dependent found this target's run active and waits for it: it is told when the run
        // ends, or at once when it already has (or when a newer run replaced it).
        DuringAny(
            When(DependentWaits)
                .IfElse(
                    c => c.Message.RootRemediationId == c.Saga.Run.RemediationId && c.Saga.Run.IsActive(),
                    waiting => waiting.Then(c => c.Saga.Run.AddDependent(Now, new CascadeDependent(c.Message.DependentCorrelationId, c.Message.DependentRemediationId))),
                    ended => ended.Publish(c => c.Saga.ToRootFinished(c.Message.RootRemediationId, new CascadeDependent(c.Message.DependentCorrelationId, c.Message.DependentRemediationId)))));

        During(
            WaitingForRoot,
            When(RootFinished, c => c.Message.DependentRemediationId == c.Saga.Run.RemediationId)
                .Unschedule(RootWaitTimeout)
                .IfElse(
                    c => c.Message.State == Succeeded.Name,
                    succeeded => succeeded
                        .Then(c => c.Saga.Run.RootSucceeded(Now, c.Message.Outcome, _options.CascadeSettle))
                        .Schedule(RootWaitTimeout, c => c.Saga.ToRootWaitTimedOut(), c => _options.CascadeSettle),
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
            EndCancelled(
                When(AlertResolved, c => c.Saga.Run.Has(c.Message.Alert)).Unschedule(ApprovalTimeout).Unschedule(RootWaitTimeout),
                c => c.Saga.Run.WaitingFor is { } root
                    ? $"alert {c.Message.Alert.Fingerprint} resolved while waiting for the remediation of {root.TargetKey}: fixing the root was enough"
                    : $"alert {c.Message.Alert.Fingerprint} resolved before any action: nothing left to fix"));

        During(
            AwaitingApproval,
            Decide(When(Approve, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Unschedule(ApprovalTimeout)
                .Then(c => c.Saga.Run.Approved = true)
                .Then(c => c.Saga.Run.Note(Now, $"approved{By(c.Message.By, c.Message.Comment)}"))
                .Activity(x => x.OfInstanceType<AdmitActivity>())
                .Then(c => c.Saga.Run.NoteGate(Now))),
            EndCancelled(When(Reject, c => c.Message.RemediationId == c.Saga.Run.RemediationId).Unschedule(ApprovalTimeout), c => $"rejected{By(c.Message.By, c.Message.Comment)}"),
            EndEscalated(When(ApprovalTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId), c => $"no approval within {_options.ApprovalTimeout}"));

        // Nothing has acted yet: the run ends at once.
        During(
            Pending,
            WaitingForRoot,
            AwaitingApproval,
            EndCancelled(
                When(Cancel, c => c.Message.RemediationId == c.Saga.Run.RemediationId).Unschedule(RootWaitTimeout).Unschedule(ApprovalTimeout),
                c => $"cancelled{By(c.Message.By, c.Message.Comment)}"));

        During(
            Executing,
            When(StepFinished, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Then(c => c.Saga.Run.RecordStep(Now, c.Message))
                .If(
                    c => c.Message.Result is { Phase: ExecuteStepActivity.ExecutePhase, Status: nameof(ActionStatus.Failed), ContinueOnError: false },
                    failed => failed
                        .Then(c => c.Saga.Run.Record(Now, Compensating.Name, $"step '{c.Message.Result.Name}' failed: compensating the completed reversible steps"))
                        .TransitionTo(Compensating)));

        During(
            [Compensating, Verifying, Cancelling, Succeeded, Escalated, Cancelled],
            When(StepFinished, c => c.Message.RemediationId == c.Saga.Run.RemediationId).Then(c => c.Saga.Run.TrackStep(c.Message)));

        // An attempt whose deadline closed it may still complete (its last step was already acting):
        // the report its completion carries is recorded like a late step report.
        During(
            [Verifying, Succeeded, Escalated, Cancelled],
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber).Then(c => c.Saga.Run.RecordStep(Now, RoutingSlips.LastStep(c.Message))));

        // A notify step's deliveries report back whenever the channels answer, often after the run
        // ended: recorded on the run they belong to, whatever its state.
        DuringAny(When(NotificationDelivered).Then(c => c.Saga.FindRun(c.Message.RemediationId)?.RecordDelivery(c.Message)));

        // An escalated run's alert resolving is news for whoever was paged: the escalation of this
        // run hears it by id (no lookup by fingerprint per alert).
        During(
            Escalated,
            When(AlertResolved, c => c.Saga.Run.Has(c.Message.Alert))
                .Then(c => c.Saga.Run.NoteResolved(Now, c.Message.Alert))
                .Publish(c => c.Saga.ToAlertResolved(c.Message.Alert, Now)));

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
                .Then(c => c.Saga.Run.EndRestore(Now, restored: true, "recovery done: what the isolation changed is restored")),
            When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.RestoreTrackingNumber)
                .Then(c => c.Saga.Run.EndRestore(Now, restored: false, $"recovery failed: {RoutingSlips.FaultReason(c.Message)}; the isolation is still in place")),
            When(StepsCompensationFailed, c => c.Message.TrackingNumber == c.Saga.Run.RestoreTrackingNumber)
                .Then(c => c.Saga.Run.EndRestore(Now, restored: false, $"recovery failed: {RoutingSlips.FaultReason(c.Message)}; what was not restored is still isolated")));

        During(
            Executing,
            Compensating,
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Unschedule(ExecutionTimeout)
                .Then(c => c.Saga.Run.RecordStep(Now, RoutingSlips.LastStep(c.Message)))
                .Then(c => c.Saga.Run.Note(Now, $"steps of attempt {c.Saga.Run.Attempt} completed"))
                .IfElse(c => c.Saga.Run.DryRun, dry => EndSucceeded(dry, c => "dry-run: nothing was changed, so there is nothing to verify"), Verify),
            // A failed step climbs the ladder like a failed verification, unless the rule says to escalate.
            When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Unschedule(ExecutionTimeout)
                .IfElse(
                    c => c.Saga.Run.Plan!.OnStepFailure == StepFailure.Climb && c.Saga.Run.CanClimb(),
                    climb => Climb(climb, c => $"failed: {RoutingSlips.FaultReason(c.Message)}; completed reversible steps were compensated"),
                    escalate => EndFailed(escalate, c => $"attempt {c.Saga.Run.Attempt}: {RoutingSlips.FaultReason(c.Message)}; completed reversible steps were compensated")),
            // Courier stopped undoing at the step it could not undo: the attempt fails now (no
            // ladder: the next rung would act on a half-undone target) and on-call is paged.
            EndFailed(
                When(StepsCompensationFailed, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber).Unschedule(ExecutionTimeout),
                c => $"attempt {c.Saga.Run.Attempt}: a step failed, and undoing the completed steps failed ({RoutingSlips.FaultReason(c.Message)}): what that step and the ones before it changed is still in place"),
            When(AlertResolved, c => c.Saga.Run.Has(c.Message.Alert)).Then(c => c.Saga.Run.NoteResolved(Now, c.Message.Alert)));

        // Cancelled while acting: the journal is sealed, so a step that has not begun never will;
        // the one under way finishes (a Kubernetes write is never cut off midway). Once the
        // attempt's slip has ended, what the attempt changed is undone as the rule says, exactly
        // as a failed attempt's compensation would (StartUndoActivity), and the run ends Cancelled.
        During(
            Executing,
            Compensating,
            When(Cancel, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                .Then(c => c.Saga.Run.BeginCancelling(Now, By(c.Message.By, c.Message.Comment), c.Saga.CurrentState == Executing.Name ? "executing" : "compensating", "no further step starts; the step under way finishes, then"))
                .TransitionTo(Cancelling));

        // Verifying: the attempt's steps have all ended, so the undo starts at once.
        During(
            Verifying,
            Undo(When(Cancel, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                .Unschedule(VerificationTimeout)
                .Then(c => c.Saga.Run.BeginCancelling(Now, By(c.Message.By, c.Message.Comment), "verifying", "verification stops, and"))
                .TransitionTo(Cancelling)));

        During(
            Cancelling,
            Undo(When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => c.Saga.Run.RecordStep(Now, RoutingSlips.LastStep(c.Message)))
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} ended"))),
            Undo(When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} ended: {RoutingSlips.FaultReason(c.Message)}; the completed steps were compensated as the rule says"))),
            Undo(When(StepsCompensationFailed, c => c.Message.TrackingNumber == c.Saga.Run.TrackingNumber)
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} ended: a step failed, and undoing the completed steps failed ({RoutingSlips.FaultReason(c.Message)})"))),
            // The slip (or the undo's) never reported back: lost with an engine that stopped. The
            // journal knows what ran and what was already undone, so undoing again repeats nothing.
            Undo(When(ExecutionTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .Then(c => c.Saga.Run.Note(Now, $"the steps of attempt {c.Saga.Run.Attempt} or their undo did not report back (the engine stopped, or they outlived their deadline): undoing what the step journal says ran"))),
            EndCancelling(When(StepsCompleted, c => IsUndo(c.Saga.Run, c.Message.TrackingNumber)), c => $"undone as the rule says: {c.Saga.Run.Cancellation!.Plan}"),
            EndCancelling(When(StepsFaulted, c => IsUndo(c.Saga.Run, c.Message.TrackingNumber)), c => UndoFailed(c.Saga.Run, RoutingSlips.FaultReason(c.Message))),
            EndCancelling(When(StepsCompensationFailed, c => IsUndo(c.Saga.Run, c.Message.TrackingNumber)), c => UndoFailed(c.Saga.Run, RoutingSlips.FaultReason(c.Message))),
            When(AlertResolved, c => c.Saga.Run.Has(c.Message.Alert)).Then(c => c.Saga.Run.NoteResolved(Now, c.Message.Alert)));

        // The attempt's steps should long have finished: they were lost with an engine that died
        // mid-step (in-memory bus) or they hang. The attempt is closed, so none of its steps that
        // had not begun ever will, and verification decides; never a silent Executing forever.
        During(
            Executing,
            When(ExecutionTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                .Then(c => c.Saga.Run.Uncertain = true)
                .Then(c => c.Saga.Run.Note(Now, c.Message.Reason ?? $"the steps of attempt {c.Saga.Run.Attempt} did not finish within {ExecutionDeadline(c.Saga.Run)} (the engine may have stopped mid-step): the attempt is closed and verification decides"))
                .IfElse(c => c.Saga.Run.DryRun, dry => EndEscalated(dry, c => "the dry run's steps did not finish"), Verify));

        During(
            Compensating,
            EndFailed(
                When(ExecutionTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt).Activity(x => x.OfInstanceType<SealAttemptActivity>()),
                c => $"attempt {c.Saga.Run.Attempt}: a step failed and the compensation did not finish within {ExecutionDeadline(c.Saga.Run)}; what it restored is unknown"));

        // The reconciler found the run stuck where nothing can move it: it escalates, saying why.
        During(
            [Pending, WaitingForRoot, AwaitingApproval, Executing, Compensating, Verifying, Cancelling],
            EndEscalated(
                When(Escalate, c => c.Message.RemediationId == c.Saga.Run.RemediationId)
                    .Activity(x => x.OfInstanceType<SealAttemptActivity>())
                    .Unschedule(RootWaitTimeout)
                    .Unschedule(ApprovalTimeout)
                    .Unschedule(ExecutionTimeout)
                    .Unschedule(VerificationTimeout),
                c => c.Message.Reason));

        During(
            Verifying,
            When(StepsCompleted, c => c.Message.TrackingNumber == c.Saga.Run.VerificationTrackingNumber)
                .Then(c => c.Saga.Run.PassChecks(Now))
                .If(c => c.Saga.Run.IsVerified(), SucceedVerified),
            When(StepsFaulted, c => c.Message.TrackingNumber == c.Saga.Run.VerificationTrackingNumber)
                .Unschedule(VerificationTimeout)
                .IfElse(c => c.Saga.Run.CanClimb(), climb => Climb(climb, c => $"failed verification: verification check failed: {RoutingSlips.FaultReason(c.Message)}"), c => GiveUp(c, x => $"verification check failed: {RoutingSlips.FaultReason(x.Message)}")),
            When(AlertResolved, c => c.Saga.Run.Has(c.Message.Alert))
                .Then(c => c.Saga.Run.NoteResolved(Now, c.Message.Alert))
                .If(c => c.Saga.Run.IsVerified(), SucceedVerified),
            When(VerificationTimeout.Received, c => c.Message.RemediationId == c.Saga.Run.RemediationId && c.Message.Attempt == c.Saga.Run.Attempt)
                .IfElse(c => c.Saga.Run.CanClimb(), climb => Climb(climb, c => $"failed verification: {c.Saga.Run.MissingConditions()}"), c => GiveUp(c, x => x.Saga.Run.MissingConditions())));
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

    public Event<RejectRemediation> Reject { get; private set; } = null!;

    public Event<CancelRemediation> Cancel { get; private set; } = null!;

    public Event<RestoreRemediation> Restore { get; private set; } = null!;

    public Event<DependentWaiting> DependentWaits { get; private set; } = null!;

    public Event<RootRemediationFinished> RootFinished { get; private set; } = null!;

    public Event<RemediationNotificationDelivered> NotificationDelivered { get; private set; } = null!;

    public Event<EscalateRemediation> Escalate { get; private set; } = null!;

    public Schedule<RemediationState, RootWaitTimedOut> RootWaitTimeout { get; private set; } = null!;

    public Schedule<RemediationState, ApprovalTimedOut> ApprovalTimeout { get; private set; } = null!;

    public Schedule<RemediationState, ExecutionTimedOut> ExecutionTimeout { get; private set; } = null!;

    public Schedule<RemediationState, VerificationTimedOut> VerificationTimeout { get; private set; } = null!;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>How long the attempt's steps may take: each step's timeout (or the executor's default), plus <see cref="RemediationSagaOptions.ExecutionGrace"/>.</summary>
    internal TimeSpan ExecutionDeadline(RemediationRun run) =>
        run.CurrentSteps.Aggregate(
            _options.ExecutionGrace,
            (total, step) => total + (step.Timeout ?? (step.Action == "wait-for-rollout" ? _actions.DefaultRolloutTimeout : _actions.DefaultStepTimeout)));

    /// <summary>How long the undo's steps may take: the executor's default step timeout each, plus <see cref="RemediationSagaOptions.ExecutionGrace"/>.</summary>
    private TimeSpan UndoDeadline(RemediationRun run) =>
        _options.ExecutionGrace + (_actions.DefaultStepTimeout * run.Cancellation!.Undoing);

    /// <summary>Messages for a run that exists: one whose instance is gone is dropped.</summary>
    private static void Existing<T>(IEventCorrelationConfigurator<RemediationState, T> configurator, Func<T, Guid> correlationId)
        where T : class
    {
        configurator.CorrelateById(c => correlationId(c.Message));
        configurator.OnMissingInstance(m => m.Discard());
    }

    private static void Timer<T>(IScheduleConfigurator<RemediationState, T> schedule, TimeSpan delay, Func<T, Guid> correlationId)
        where T : class
    {
        schedule.Delay = delay;
        schedule.Received = r => r.CorrelateById(c => correlationId(c.Message));
    }

    private static string By(string? by, string? comment) =>
        $"{(by is null ? "" : $" by {by}")}{(comment is null ? "" : $": {comment}")}";

    private static bool IsUndo(RemediationRun run, Guid trackingNumber) =>
        run.Cancellation!.UndoTrackingNumber is { } undo && trackingNumber == undo;

    private static string UndoFailed(RemediationRun run, string reason) =>
        $"the undo failed ({reason}), so what it did not undo is still in place: {run.Cancellation!.Plan}";

    private EventActivityBinder<RemediationState, RemediationRequested> StartRun(EventActivityBinder<RemediationState, RemediationRequested> binder) =>
        binder
            .Activity(x => x.OfType<RecordFiringActivity>())
            .Activity(x => x.OfType<BeginRunActivity>())
            .IfElse(
                c => c.Saga.Run.RemediationId != c.Message.RequestId,
                joined => joined,
                fresh => Decide(fresh
                    .TransitionTo(Pending)
                    .If(c => c.Saga.Run.ResolvedBeforeStart, resolved => EndCancelled(resolved, c => $"alert {c.Message.Alert.Fingerprint} resolved before the remediation started: nothing left to fix"))))

            // A run that did not end at once is joined at the webhook from this commit on.
            .Activity(x => x.OfInstanceType<OpenJoinsActivity>());

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
            .Publish(c => c.Saga.ToDependentWaiting())
            .Schedule(RootWaitTimeout, c => c.Saga.ToRootWaitTimedOut(), c => _options.RootWaitTimeout)
            .TransitionTo(WaitingForRoot);

    /// <summary>The wait for the root is over: the guards decide about the run's own steps.</summary>
    private EventActivityBinder<RemediationState, T> Proceed<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        Decide(binder
            .Then(c => c.Saga.Run.WaitingFor = null)
            .Activity(x => x.OfInstanceType<AdmitActivity>())
            .Then(c => c.Saga.Run.NoteGate(Now)));

    private EventActivityBinder<RemediationState, T> Act<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder.IfElse(
            c => c.Saga.Run.Gate!.Verdict is GateVerdict.Allow or GateVerdict.DryRunOnly,
            StartAttempt,
            other => other.IfElse(
                c => c.Saga.Run.Gate!.Verdict == GateVerdict.RequireApproval,
                approval => approval
                    .Then(c => c.Saga.Run.Record(Now, AwaitingApproval.Name, $"approval required within {_options.ApprovalTimeout}: {c.Saga.Run.Gate!.Reason}"))
                    .Publish(c => c.Saga.ToNotice("approval-needed", $"needs approval within {_options.ApprovalTimeout} (POST /api/v1/remediations/{c.Saga.Run.RemediationId}/approve or reject): {c.Saga.Run.Gate!.Reason}", Now))
                    .Schedule(ApprovalTimeout, c => c.Saga.ToApprovalTimedOut())
                    .TransitionTo(AwaitingApproval),
                stop => stop.IfElse(
                    c => c.Saga.Run.Gate!.Verdict == GateVerdict.Escalate,
                    escalate => EndEscalated(escalate, c => $"stopped by the guards: {c.Saga.Run.Gate!.Reason}"),
                    refuse => refuse
                        .Then(c => c.Saga.Run.Refuse(Now))
                        .TransitionTo(Refused)
                        .Publish(c => c.Saga.ToRefused(Now))
                        .If(c => c.Saga.Run.Gate!.Notify, notify => notify.Publish(c => c.Saga.ToNotice("refused", c.Saga.Run.Outcome!, Now))))));

    private EventActivityBinder<RemediationState, T> StartAttempt<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Activity(x => x.OfInstanceType<StartAttemptActivity>())
            .Schedule(ExecutionTimeout, c => c.Saga.ToExecutionTimedOut(), c => ExecutionDeadline(c.Saga.Run))
            .TransitionTo(Executing);

    private EventActivityBinder<RemediationState, T> Verify<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Activity(x => x.OfInstanceType<StartVerificationActivity>())
            .TransitionTo(Verifying)

            // A rule without verification (or whose checks need nothing) is verified at once: no timer to arm and cancel.
            .IfElse(
                c => c.Saga.Run.IsVerified(),
                SucceedVerified,
                wait => wait.Schedule(VerificationTimeout, c => c.Saga.ToVerificationTimedOut(), c => c.Saga.Run.VerificationDeadline()));

    private EventActivityBinder<RemediationState, T> SucceedVerified<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        EndSucceeded(binder.Unschedule(VerificationTimeout), c => c.Saga.Run.VerifiedReason());

    private EventActivityBinder<RemediationState, T> Climb<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> why)
        where T : class =>
        binder
            .Then(c => c.Saga.Run.Climb(Now, why(c)))
            .Activity(x => x.OfInstanceType<AdmitActivity>())
            .IfElse(
                c => c.Saga.Run.Gate!.Verdict is GateVerdict.Allow or GateVerdict.DryRunOnly,
                StartAttempt,
                stop => EndFailed(
                    stop.If(c => c.Saga.Run.Gate!.Verdict == GateVerdict.Refuse, refused => refused.Publish(c => c.Saga.ToRefused(Now))),
                    c => $"the guards stopped attempt {c.Saga.Run.Attempt}: {c.Saga.Run.Gate!.Verdict}: {c.Saga.Run.Gate.Reason}"));

    private EventActivityBinder<RemediationState, T> GiveUp<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> why)
        where T : class =>
        EndFailed(binder, c => $"verification failed after {c.Saga.Run.Attempt} attempt(s) (max {c.Saga.Run.Plan!.Safety.MaxAttempts}, ladder of {c.Saga.Run.Plan.Ladder.Count}{(c.Saga.Run.Uncertain ? "; a step's outcome is unknown after an engine stop, so the ladder is not climbed" : "")}): {why(c)}");

    /// <summary>Undoes what the cancelled run's attempt changed; ends it at once when there is nothing to undo.</summary>
    private EventActivityBinder<RemediationState, T> Undo<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Activity(x => x.OfInstanceType<StartUndoActivity>())
            .IfElse(
                c => c.Saga.Run.Cancellation!.UndoTrackingNumber is null,
                nothing => EndCancelling(nothing, c => c.Saga.Run.Cancellation!.Plan),
                undoing => undoing.Schedule(ExecutionTimeout, c => c.Saga.ToExecutionTimedOut(), c => UndoDeadline(c.Saga.Run)));

    /// <summary>
    /// The undo has ended: the run ends Cancelled, as the operator asked; but a cluster left
    /// half-undone needs a person, so on-call is paged as for a failed run.
    /// </summary>
    private EventActivityBinder<RemediationState, T> EndCancelling<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> how)
        where T : class =>
        EndCancelled(
            binder.Unschedule(ExecutionTimeout).Activity(x => x.OfInstanceType<AssessUndoActivity>()),
            c => c.Saga.Run.Cancellation!.Outcome(c.Saga.Run.Attempt, how(c)),
            page => page.If(c => c.Saga.Run.Cancellation!.LeftInPlace.Count > 0, halfUndone => PublishEscalated(halfUndone)));

    private EventActivityBinder<RemediationState, T> EndSucceeded<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> reason)
        where T : class =>
        binder
            .Then(c => c.Saga.Run.Finish(Now, Succeeded.Name, reason(c), RemediationOutcome.Succeeded))
            .Publish(c => c.Saga.ToSucceeded())

            // Only a success that follows an escalation concerns the escalation module.
            .If(c => c.Saga.EscalatedSinceSuccess, recovered => recovered.Publish(c => c.Saga.ToRecovered()).Then(c => c.Saga.EscalatedSinceSuccess = false))
            .TransitionTo(Succeeded);

    private EventActivityBinder<RemediationState, T> EndCancelled<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> reason, Func<EventActivityBinder<RemediationState, T>, EventActivityBinder<RemediationState, T>>? also = null)
        where T : class =>
        (also ?? (b => b))(binder
            .Then(c => c.Saga.Run.Finish(Now, Cancelled.Name, reason(c), RemediationOutcome.Cancelled))
            .Publish(c => c.Saga.ToCancelled()))
            .TransitionTo(Cancelled);

    private EventActivityBinder<RemediationState, T> EndEscalated<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> reason)
        where T : class =>
        PublishEscalated(binder.Then(c => c.Saga.Run.Finish(Now, Escalated.Name, reason(c), RemediationOutcome.Escalated)))
            .TransitionTo(Escalated);

    /// <summary>The run failed: it passes through Failed and escalates.</summary>
    private EventActivityBinder<RemediationState, T> EndFailed<T>(EventActivityBinder<RemediationState, T> binder, Func<BehaviorContext<RemediationState, T>, string> reason)
        where T : class =>
        PublishEscalated(binder
            .Then(c => c.Saga.Run.Fail(Now, reason(c)))
            .Publish(c => c.Saga.ToFailed()))
            .TransitionTo(Escalated);

    /// <summary>Pages on-call (the escalation module) and remembers it, so the next success resolves the pages.</summary>
    private static EventActivityBinder<RemediationState, T> PublishEscalated<T>(EventActivityBinder<RemediationState, T> binder)
        where T : class =>
        binder
            .Then(c => c.Saga.EscalatedSinceSuccess = true)

            // The page names every alert of the run: those that joined at the webhook too.
            .Activity(x => x.OfInstanceType<CloseJoinsActivity>())
            .Publish(c => c.Saga.ToEscalated());
}
