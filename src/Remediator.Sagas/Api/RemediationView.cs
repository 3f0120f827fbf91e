using Remediator.Contracts;

namespace Remediator.Sagas.Api;

/// <summary>One remediation run as the API shows it: its story, step results with before/after.</summary>
public sealed record RemediationView
{
    /// <summary>The run's id (the first request's RequestId): what the API's <c>{id}</c> is.</summary>
    public required Guid Id { get; init; }

    /// <summary>The saga instance: the (rule, target) slot the run belongs to.</summary>
    public required Guid CorrelationId { get; init; }

    public required string RuleName { get; init; }

    /// <summary>The target's key, e.g. <c>deployment/shop/cart</c>.</summary>
    public required string TargetKey { get; init; }

    public required RemediationTarget Target { get; init; }

    public required string State { get; init; }

    /// <summary>True until the run reached Succeeded, Escalated, Cancelled or Refused.</summary>
    public required bool Active { get; init; }

    public required int Attempt { get; init; }

    public required bool DryRun { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Outcome { get; init; }

    public string? Severity { get; init; }

    public required IReadOnlyList<string> Fingerprints { get; init; }

    public required IReadOnlyList<RemediationTimelineEntry> Timeline { get; init; }

    public required IReadOnlyList<RemediationStepResult> Steps { get; init; }

    /// <summary>The isolation steps whose changes are still in place: what <c>POST .../restore</c> undoes.</summary>
    public IReadOnlyList<string> Isolations { get; init; } = [];

    /// <summary>The remediation this run waits for (a cascade's root), while it does.</summary>
    public Guid? WaitingFor { get; init; }

    /// <summary>The alert that started the run: name, labels, links out.</summary>
    public RemediationAlertView Alert { get; init; } = new();

    /// <summary>The cascade root the run waited for (kept after the wait ended).</summary>
    public RemediationLink? CascadeRoot { get; init; }

    /// <summary>The runs that waited for this one (it is their cascade root).</summary>
    public IReadOnlyList<RemediationLink> Dependents { get; init; } = [];

    /// <summary>The engine's flag that the run needs a human: a step was interrupted and its outcome is unknown.</summary>
    public bool Uncertain { get; init; }

    /// <summary>While the run awaits approval: when it escalates for want of one.</summary>
    public DateTimeOffset? ApprovalDueAt { get; init; }

    /// <summary>States a run ends in.</summary>
    public static readonly IReadOnlySet<string> FinalStates = RemediationStates.Final;

    public static RemediationView From(Guid correlationId, RemediationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RemediationView
        {
            Id = run.RemediationId,
            CorrelationId = correlationId,
            RuleName = run.RuleName,
            TargetKey = run.Target?.ToString() ?? "",
            Target = run.Target!,
            State = run.State,
            Active = !FinalStates.Contains(run.State),
            Attempt = run.Attempt,
            DryRun = run.DryRun,
            RequestedAt = run.RequestedAt,
            FinishedAt = run.FinishedAt,
            Outcome = run.Outcome,
            Severity = run.Plan?.Severity,
            Fingerprints = run.Fingerprints,
            Timeline = run.Timeline,
            Steps = run.Steps,
            Isolations = [.. run.Isolations.Select(isolation => isolation.StepName)],
            WaitingFor = run.WaitingFor?.RemediationId,
            Alert = RemediationAlertView.From(run),
            CascadeRoot = run.CascadeRoot is { } root ? new RemediationLink(root.RemediationId, root.TargetKey, root.RuleName) : null,
            Dependents = [.. run.Dependents.Select(dependent => new RemediationLink(dependent.RemediationId, null, null))],
            Uncertain = run.Uncertain,
        };
    }

    /// <summary>
    /// The view with its approval deadline: the approval timeout runs from the moment the run
    /// entered <c>AwaitingApproval</c> (its last entry into that state on the timeline).
    /// </summary>
    public RemediationView WithApprovalDeadline(TimeSpan approvalTimeout)
    {
        if (State != AwaitingApprovalState)
        {
            return this;
        }

        var entered = Timeline
            .Select((entry, index) => (entry, index))
            .LastOrDefault(x => x.entry.State == AwaitingApprovalState && (x.index == 0 || Timeline[x.index - 1].State != AwaitingApprovalState));
        return entered.entry is null ? this : this with { ApprovalDueAt = entered.entry.At + approvalTimeout };
    }

    /// <summary>The state in which a run waits for a human's approve or reject.</summary>
    public const string AwaitingApprovalState = "AwaitingApproval";
}
