using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Sagas;

namespace Remediator.Hosting;

/// <summary>
/// The saga's gate over the engine's guards. The storm brake is the one verdict without a twin:
/// the decision that engages it escalates (once, with the storm's targets), the others refuse.
/// </summary>
public sealed class GuardsRemediationGate(IRemediationGuards guards) : IRemediationGate
{
    // Refusals people asked for (a pause, a deny list, dry-run) or already heard of (the storm
    // escalated once with its list): telling on-call again would be noise.
    private static readonly HashSet<string> _quietRefusals =
    [
        GuardReasons.Paused, GuardReasons.NamespacePaused, GuardReasons.NamespaceDenied, GuardReasons.NamespaceNotAllowed, GuardReasons.DryRun, GuardReasons.Storm,
    ];

    public async Task<GateDecision> EvaluateAsync(GateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = await guards.EvaluateAsync(
            new GuardRequest
            {
                RemediationId = request.RemediationId,
                RuleName = request.RuleName,
                Target = request.Target,
                Safety = request.Safety,
                Steps = request.Steps,
                Approved = request.Approved,
            },
            cancellationToken);
        var verdict = decision.Verdict switch
        {
            GuardVerdict.Allow => GateVerdict.Allow,
            GuardVerdict.Refuse => GateVerdict.Refuse,
            GuardVerdict.RequireApproval => GateVerdict.RequireApproval,
            GuardVerdict.DryRunOnly => GateVerdict.DryRunOnly,
            GuardVerdict.StormBraked when decision.StormEngaged => GateVerdict.Escalate,
            GuardVerdict.StormBraked => GateVerdict.Refuse,
            _ => throw new InvalidOperationException($"Unknown guard verdict {decision.Verdict}."),
        };
        return new GateDecision
        {
            Verdict = verdict,
            Reason = Describe(decision),
            Code = decision.Reason,
            Notify = verdict == GateVerdict.Refuse && !_quietRefusals.Contains(decision.Reason ?? ""),
        };
    }

    public Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken) =>
        guards.RecordFiringAsync(target, cancellationToken);

    public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken) =>
        guards.RecordStartedAsync(remediationId, attempt, target, cancellationToken);

    public Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationRunOutcome outcome, CancellationToken cancellationToken) =>
        guards.RecordFinishedAsync(
            remediationId,
            target,
            outcome switch
            {
                RemediationRunOutcome.Succeeded => RemediationOutcome.Succeeded,
                RemediationRunOutcome.Failed => RemediationOutcome.Failed,
                RemediationRunOutcome.Escalated => RemediationOutcome.Escalated,
                RemediationRunOutcome.Cancelled => RemediationOutcome.Cancelled,
                _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown run outcome."),
            },
            cancellationToken);

    // The timeline shows the sentence and the code (the code is what refusals are counted by).
    private static string Describe(GuardDecision decision) => decision switch
    {
        { IsAllowed: true } => "the guards allow it",
        { StormEngaged: true } => $"{decision.Message} ({decision.Reason}); firing targets: {string.Join(", ", decision.StormTargets)}",
        { Message: { } message, Reason: { } reason } => $"{message} ({reason})",
        _ => decision.ToString(),
    };
}
