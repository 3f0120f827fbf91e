using Remediator.Contracts;
using Remediator.Sagas.Messages;

namespace Remediator.Sagas;

/// <summary>
/// What <see cref="RemediationStateMachine"/> publishes and schedules, built from the instance in
/// one place: the run's outcome events, the notices, a cascade's messages and the timers.
/// </summary>
internal static class RunMessages
{
    public static RemediationSucceeded ToSucceeded(this RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    public static RemediationRecovered ToRecovered(this RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    public static RemediationFailed ToFailed(this RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    public static RemediationCancelled ToCancelled(this RemediationState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        RuleName = saga.Run.RuleName,
        Target = saga.Run.Target!,
        Attempts = saga.Run.Attempt,
        Reason = saga.Run.Outcome ?? "",
        At = saga.Run.FinishedAt ?? saga.Run.RequestedAt,
    };

    /// <summary>What pages on-call (the escalation saga): the run's whole story, its outcome as the reason.</summary>
    public static RemediationEscalated ToEscalated(this RemediationState saga) => new()
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

    /// <summary>The guards' refusal of the run's current attempt (<see cref="RemediationRun.Gate"/>).</summary>
    public static RemediationRefused ToRefused(this RemediationState saga, DateTimeOffset at) => new()
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
        At = at,
    };

    /// <summary>Information for the policy's notify channels (no tiers): an approval to give, a refusal to know of.</summary>
    public static RemediationNotificationRequested ToNotice(this RemediationState saga, string what, string message, DateTimeOffset at) => new()
    {
        CorrelationId = saga.CorrelationId,
        RemediationId = saga.Run.RemediationId,
        Attempt = saga.Run.Attempt,
        StepName = what,
        DryRun = saga.Run.DryRun,
        Target = saga.Run.Target!,
        Parameters = new Dictionary<string, string> { ["message"] = $"{saga.Run.RuleName} on {saga.Run.Target}: {message}" },
        At = at,
    };

    /// <summary>News for whoever an escalated run paged: its alert resolved.</summary>
    public static RemediationAlertResolved ToAlertResolved(this RemediationState saga, AlertReceived alert, DateTimeOffset at) =>
        new() { CorrelationId = saga.CorrelationId, RemediationId = saga.Run.RemediationId, Fingerprint = alert.Fingerprint, At = at };

    /// <summary>How the root's run ended, for a dependent; a run a newer one replaced has simply ended.</summary>
    public static RootRemediationFinished ToRootFinished(this RemediationState saga, Guid rootRemediationId, CascadeDependent dependent)
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

    /// <summary>A dependent's run tells the root's saga it waits (<see cref="RemediationRun.WaitingFor"/>).</summary>
    public static DependentWaiting ToDependentWaiting(this RemediationState saga) => new()
    {
        CorrelationId = saga.Run.WaitingFor!.CorrelationId,
        RootRemediationId = saga.Run.WaitingFor.RemediationId,
        DependentCorrelationId = saga.CorrelationId,
        DependentRemediationId = saga.Run.RemediationId,
    };

    public static RootWaitTimedOut ToRootWaitTimedOut(this RemediationState saga) =>
        new() { CorrelationId = saga.CorrelationId, RemediationId = saga.Run.RemediationId };

    public static ApprovalTimedOut ToApprovalTimedOut(this RemediationState saga) =>
        new() { CorrelationId = saga.CorrelationId, RemediationId = saga.Run.RemediationId };

    public static ExecutionTimedOut ToExecutionTimedOut(this RemediationState saga) =>
        new() { CorrelationId = saga.CorrelationId, RemediationId = saga.Run.RemediationId, Attempt = saga.Run.Attempt };

    public static VerificationTimedOut ToVerificationTimedOut(this RemediationState saga) =>
        new() { CorrelationId = saga.CorrelationId, RemediationId = saga.Run.RemediationId, Attempt = saga.Run.Attempt };
}
