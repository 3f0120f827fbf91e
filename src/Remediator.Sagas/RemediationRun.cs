using System.Text.Json.Serialization;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Kubernetes.Actions;
using Remediator.Sagas.Messages;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas;

/// <summary>
/// One run of a target's remediation: from a request to its outcome. The API's remediation id is
/// <see cref="RemediationId"/>; a new request after a run ended starts a new run on the same saga
/// instance and the old one moves to <see cref="RemediationState.PreviousRuns"/>.
/// Collections are replaced, never mutated, so readers see a consistent snapshot.
/// </summary>
public sealed class RemediationRun
{
    private const string IsolateAction = "isolate";

    public Guid RemediationId { get; set; }

    public string RuleName { get; set; } = "";

    public RemediationTarget? Target { get; set; }

    public RemediationPlan? Plan { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The saga state this run is in (or ended in).</summary>
    public string State { get; set; } = "";

    /// <summary>1 for the rule's steps, +1 per ladder rung.</summary>
    public int Attempt { get; set; }

    /// <summary>The steps of the current attempt: the rule's, or a ladder rung's.</summary>
    public IReadOnlyList<PlannedStep> CurrentSteps { get; set; } = [];

    public bool DryRun { get; set; }

    /// <summary>A human approved the run; further attempts pass the approval gate.</summary>
    public bool Approved { get; set; }

    /// <summary>The guards allowed the run at least once: it holds a slot to give back when it ends.</summary>
    public bool HoldsGuardSlot { get; set; }

    /// <summary>Set when the run ends, for the guards.</summary>
    public RemediationOutcome? FinalOutcome { get; set; }

    /// <summary>The routing slip running the current attempt's steps.</summary>
    public Guid? TrackingNumber { get; set; }

    /// <summary>The routing slip running the current attempt's verification checks.</summary>
    public Guid? VerificationTrackingNumber { get; set; }

    public bool ChecksPassed { get; set; }

    public DateTimeOffset? AlertResolvedAt { get; set; }

    /// <summary>Isolations this run left in place (a cascade's root), undone by a <c>RestoreRemediation</c>.</summary>
    public IReadOnlyList<IsolationRecord> Isolations { get; set; } = [];

    /// <summary>The routing slip undoing <see cref="Isolations"/>, while it runs.</summary>
    public Guid? RestoreTrackingNumber { get; set; }

    /// <summary>Set by a cancel that found the run acting: what is being undone before it ends cancelled.</summary>
    public RunCancellation? Cancellation { get; set; }

    /// <summary>While set, the run waits for this remediation of a workload its target depends on (a cascade's root).</summary>
    public CascadeRoot? WaitingFor { get; set; }

    /// <summary>Runs waiting for this one's outcome (this run is their cascade root).</summary>
    public IReadOnlyList<CascadeDependent> Dependents { get; set; } = [];

    /// <summary>A step of this run was interrupted (its outcome unknown) or its steps never reported back: verification decides, and a failed verification escalates rather than climbing.</summary>
    public bool Uncertain { get; set; }

    /// <summary>The alert had resolved before the request reached the saga: the run is cancelled without asking the guards.</summary>
    public bool ResolvedBeforeStart { get; set; }

    /// <summary>
    /// The alerts that joined this run, at most <see cref="MaxFingerprints"/> (the first and the
    /// newest); a resolved notification for any of them counts.
    /// </summary>
    public IReadOnlyList<string> Fingerprints { get; set; } = [];

    /// <summary>The first alert's source (Prometheus graph link), for the people an escalation pages.</summary>
    public string? GeneratorUrl { get; set; }

    /// <summary>The first alert's labels: what the dashboard names the run by (alert name, namespace, severity) and silences it with.</summary>
    public IReadOnlyDictionary<string, string> AlertLabels { get; set; } = new Dictionary<string, string>();

    /// <summary>The first alert's annotations (summary, <c>runbook_url</c>).</summary>
    public IReadOnlyDictionary<string, string> AlertAnnotations { get; set; } = new Dictionary<string, string>();

    /// <summary>The Alertmanager that sent the first alert (its <c>externalURL</c>), for the links to it and to a silence.</summary>
    public string? AlertmanagerUrl { get; set; }

    /// <summary>The cascade root this run waited for, kept after the wait ended (unlike <see cref="WaitingFor"/>) so the run links to it.</summary>
    public CascadeRoot? CascadeRoot { get; set; }

    /// <summary>The first alert's <c>alertname</c>, as the Kubernetes Events of the run's steps name it.</summary>
    [JsonIgnore]
    public string? AlertName => AlertLabels.GetValueOrDefault(Api.RemediationAlertView.AlertNameLabel);

    /// <summary>The alert the run's Kubernetes Events name: its <see cref="AlertName"/>, else the first fingerprint.</summary>
    [JsonIgnore]
    public string Alert => AlertName ?? Fingerprints[0];

    /// <summary>The newest request ids that reached the run, at most <see cref="MaxRequestIds"/>: a redelivered request is recognised by them.</summary>
    public IReadOnlyList<Guid> RequestIds { get; set; } = [];

    /// <summary>How many alerts joined the run since the last timeline entry that was not a join (they share one entry).</summary>
    public int JoinStreak { get; set; }

    /// <summary>
    /// The run is marked active for the webhook (<see cref="Joins.IRunJoinStore"/>): alerts join it
    /// as rows, folded in (<see cref="Fold"/>) when a resolution may concern them and when it ends.
    /// </summary>
    public bool JoinsOpen { get; set; }

    public IReadOnlyList<RemediationTimelineEntry> Timeline { get; set; } = [];

    public IReadOnlyList<RemediationStepResult> Steps { get; set; } = [];

    public string? Outcome { get; set; }

    /// <summary>What the guards said when the run started.</summary>
    public GateDecision? Gate { get; set; }

    /// <summary>Request ids kept per run: a redelivery comes soon after its delivery, and a storm's repeats must not grow the run without bound.</summary>
    public const int MaxRequestIds = 256;

    /// <summary>Distinct alert fingerprints kept per run: a storm of alerts for one target must not grow its row without bound.</summary>
    public const int MaxFingerprints = 256;

    /// <summary>True when the request started this run or joined it (a redelivery to ignore).</summary>
    public bool Knows(Guid requestId) => requestId == RemediationId || RequestIds.Contains(requestId);

    /// <summary>
    /// Another alert (or occurrence) of the target joined the run: it counts for de-duplication and
    /// resolution, and consecutive joins share one timeline entry ("joined by 40 alerts, the latest
    /// ..."), so repeats in a storm do not grow the run without bound.
    /// </summary>
    public void Join(DateTimeOffset at, Guid requestId, string fingerprint, string alert, string? why = null)
    {
        Remember(requestId, fingerprint);
        var reason = (JoinStreak == 0 ? $"joined by alert {alert}" : $"joined by {JoinStreak + 1} alerts, the latest {alert}") + (why is null ? "" : $": {why}");
        var entry = new RemediationTimelineEntry { At = at, State = State, Reason = reason };
        Timeline = JoinStreak == 0 ? [.. Timeline, entry] : [.. Timeline.SkipLast(1), entry];
        JoinStreak++;
    }

    /// <summary>
    /// Alerts that joined the run at the webhook (<paramref name="joins"/>, oldest first) become
    /// part of it: they count for de-duplication and resolution, and share one timeline entry, placed
    /// where the newest of them joined, in the state the run was in then.
    /// </summary>
    public void Fold(IReadOnlyList<Joins.RunJoin> joins)
    {
        ArgumentNullException.ThrowIfNull(joins);
        if (joins.Count == 0)
        {
            return;
        }

        foreach (var join in joins)
        {
            Remember(join.RequestId, join.Fingerprint);
        }

        var latest = joins[^1];
        var alert = DescribeAlert(latest.Fingerprint, latest.AlertName);
        var before = Timeline.Count(entry => entry.At <= latest.JoinedAt);
        var entry = new RemediationTimelineEntry
        {
            At = latest.JoinedAt,
            State = before == 0 ? State : Timeline[before - 1].State,
            Reason = joins.Count == 1 ? $"joined by alert {alert}" : $"joined by {joins.Count} alerts, the latest {alert}",
        };
        Timeline = [.. Timeline.Take(before), entry, .. Timeline.Skip(before)];
        JoinStreak = 0;
    }

    /// <summary>An alert as the timeline names it: its fingerprint and alert name.</summary>
    public static string DescribeAlert(string fingerprint, string? alertName) =>
        $"{fingerprint}{(alertName is null ? "" : $" ({alertName})")}";

    private void Remember(Guid requestId, string fingerprint)
    {
        RequestIds = [.. RequestIds.TakeLast(MaxRequestIds - 1), requestId];
        if (!Fingerprints.Contains(fingerprint))
        {
            // Bounded like the request ids; the run's own (first) alert always stays.
            Fingerprints = Fingerprints.Count < MaxFingerprints
                ? [.. Fingerprints, fingerprint]
                : [Fingerprints[0], .. Fingerprints.Skip(1).TakeLast(MaxFingerprints - 2), fingerprint];
        }
    }

    /// <summary>One channel's delivery of a <c>notify</c> step: a step result of its own (phase <c>deliver</c>) and a timeline note.</summary>
    public void RecordDelivery(RemediationNotificationDelivered delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (status, what) = delivery.Outcome switch
        {
            NotificationOutcome.Delivered => (nameof(ActionStatus.Succeeded), $"delivered via {delivery.Channel}"),
            NotificationOutcome.NotSent => (nameof(ActionStatus.DryRun), $"not sent via {delivery.Channel} (dry run)"),
            _ => (nameof(ActionStatus.Failed), $"not delivered via {delivery.Channel}"),
        };
        AddStep(new RemediationStepResult
        {
            Attempt = delivery.Attempt,
            Name = delivery.StepName,
            Action = ExecuteStepActivity.NotifyAction,
            Phase = ExecuteStepActivity.DeliverPhase,
            Status = status,
            Summary = $"{delivery.Channel}: {delivery.Detail}",
            ContinueOnError = true,
            At = delivery.At,
        });
        Note(delivery.At, $"notify step '{delivery.StepName}': {what}: {delivery.Detail}");
    }

    public void Record(DateTimeOffset at, string state, string reason)
    {
        JoinStreak = 0;
        State = state;
        Timeline = [.. Timeline, new RemediationTimelineEntry { At = at, State = state, Reason = reason }];
    }

    /// <summary>Step reports are messages of their own and may arrive out of order: kept in the order they happened.</summary>
    public void AddStep(RemediationStepResult result) =>
        Steps = [.. Steps.Append(result).OrderBy(step => step.At)];

    public void Note(DateTimeOffset at, string reason)
    {
        JoinStreak = 0;
        Timeline = [.. Timeline, new RemediationTimelineEntry { At = at, State = State, Reason = reason }];
    }

    /// <summary>The run has started and not ended.</summary>
    public bool IsActive() => RemediationId != Guid.Empty && !RemediationStates.Final.Contains(State);

    /// <summary>The alert joined this run, so its resolution counts for it.</summary>
    public bool Has(AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Fingerprints.Contains(alert.Fingerprint);
    }

    public void NoteResolved(DateTimeOffset at, AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        AlertResolvedAt ??= alert.EndsAt ?? alert.ReceivedAt;
        Note(at, $"alert {alert.Fingerprint} resolved");
    }

    /// <summary>What the guards said, for the timeline.</summary>
    public void NoteGate(DateTimeOffset at) => Note(at, $"guards: {Gate!.Verdict}: {Gate.Reason}");

    /// <summary>The run ends in <paramref name="state"/>: its outcome for the guards, the reason for people.</summary>
    public void Finish(DateTimeOffset at, string state, string reason, RemediationOutcome outcome)
    {
        FinalOutcome = outcome;
        Outcome = reason;
        FinishedAt = at;
        Record(at, state, reason);
    }

    /// <summary>A failed run passes through <see cref="RemediationStates.Failed"/> and always escalates.</summary>
    public void Fail(DateTimeOffset at, string reason)
    {
        Record(at, RemediationStates.Failed, reason);
        Finish(at, RemediationStates.Escalated, $"escalated: {reason}", RemediationOutcome.Failed);
    }

    /// <summary>The guards refused the run before it acted: it ends without an outcome for them.</summary>
    public void Refuse(DateTimeOffset at)
    {
        Outcome = $"refused by the guards: {Gate!.Reason}";
        FinishedAt = at;
        Record(at, RemediationStates.Refused, Outcome);
    }

    /// <summary>A next rung exists and is allowed; never after a step whose outcome is unknown, since the next rung would act blind.</summary>
    public bool CanClimb() => !Uncertain && Attempt < Plan!.Safety.MaxAttempts && Attempt - 1 < Plan.Ladder.Count;

    /// <summary>The next attempt runs the ladder's next rung.</summary>
    public void Climb(DateTimeOffset at, string why)
    {
        var rung = Plan!.Ladder[Attempt - 1];
        Note(at, $"attempt {Attempt} {why}; climbing to ladder rung '{rung.Name}'");
        Attempt++;
        CurrentSteps = rung.Steps;
        ChecksPassed = false;
        VerificationTrackingNumber = null;
    }

    public void PassChecks(DateTimeOffset at)
    {
        ChecksPassed = true;
        Note(at, "verification checks passed");
    }

    /// <summary>An attempt's step reported (by its own message, or the last one in the slip's completion, when it carries one).</summary>
    public void RecordStep(DateTimeOffset at, RemediationStepFinished? finished)
    {
        if (finished is null)
        {
            return;
        }

        TrackStep(finished);
        if (finished.Result.Status == ExecuteStepActivity.UnknownStatus)
        {
            Uncertain = true;
            Note(at, $"step '{finished.Result.Name}' was interrupted by an engine stop; its outcome is unknown, so it is not repeated and verification decides");
        }
    }

    /// <summary>
    /// Keeps a step's report and the inverse of each isolation that took effect, and forgets one
    /// that Courier undid (a later step failed): what is left is what the recovery restores.
    /// </summary>
    public void TrackStep(RemediationStepFinished finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        var result = finished.Result;
        AddStep(result);
        if (result.Action != IsolateAction || result.Status != nameof(ActionStatus.Succeeded))
        {
            return;
        }

        if (result.Phase == ExecuteStepActivity.ExecutePhase && finished.Compensation is { } compensation)
        {
            Isolations = [.. Isolations, new IsolationRecord(result.Name, compensation)];
        }
        else if (result.Phase == ExecuteStepActivity.CompensatePhase)
        {
            Isolations = [.. Isolations.Where(isolation => isolation.StepName != result.Name)];
        }
    }

    /// <summary>The recovery's slip ended: its isolations are forgotten when it restored them.</summary>
    public void EndRestore(DateTimeOffset at, bool restored, string reason)
    {
        Note(at, reason);
        Isolations = restored ? [] : Isolations;
        RestoreTrackingNumber = null;
    }

    /// <summary>A cancel found the run acting (<paramref name="doing"/>): what the attempt changed is undone before it ends.</summary>
    public void BeginCancelling(DateTimeOffset at, string by, string doing, string then)
    {
        Cancellation = new RunCancellation { Reason = $"cancelled{by}", From = doing };
        Record(at, RemediationStates.Cancelling, $"cancel requested{by} while {doing} attempt {Attempt}: {then} what the attempt changed is undone as the rule says");
    }

    /// <summary>The cascade root this run waits for succeeded: its own alert gets <paramref name="settle"/> to resolve.</summary>
    public void RootSucceeded(DateTimeOffset at, string outcome, TimeSpan settle)
    {
        WaitingFor = WaitingFor! with { Succeeded = true };
        Note(at, $"the root's remediation succeeded ({outcome}): giving this alert {settle} to resolve before acting");
    }

    public void AddDependent(DateTimeOffset at, CascadeDependent dependent)
    {
        ArgumentNullException.ThrowIfNull(dependent);
        Dependents = [.. Dependents, dependent];
        Note(at, $"remediation {dependent.RemediationId} of a dependent waits for this run's outcome");
    }
}
