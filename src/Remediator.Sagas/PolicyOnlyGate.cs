using Remediator.Contracts;

namespace Remediator.Sagas;

/// <summary>No guards: only the rule's own safety settings apply (dry-run, approval).</summary>
public sealed class PolicyOnlyGate : IRemediationGate
{
    public Task<GateDecision> EvaluateAsync(GateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = request.Safety switch
        {
            { DryRun: true } => new GateDecision { Verdict = GateVerdict.DryRunOnly, Reason = "the rule is dry-run" },
            { RequireApproval: true } when !request.Approved => new GateDecision { Verdict = GateVerdict.RequireApproval, Reason = "the rule requires approval" },
            _ => GateDecision.Allow("no guards configured"),
        };
        return Task.FromResult(decision);
    }

    public Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationRunOutcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;
}
