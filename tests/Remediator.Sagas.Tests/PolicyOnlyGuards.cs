using Remediator.Contracts;
using Remediator.Guards;

namespace Remediator.Sagas.Tests;

/// <summary>
/// The guards as the saga tests play them: only the rule's own safety settings apply (dry-run,
/// approval), so a test of the lifecycle is not refused by a cooldown or the minimum-healthy
/// gate of the real guards (their own tests are in Remediator.Guards.Tests; the real engine's
/// scenarios run both together).
/// </summary>
internal sealed class PolicyOnlyGuards : IRemediationGuards
{
    public Task<GuardDecision> EvaluateAsync(GuardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = request.Safety switch
        {
            { DryRun: true } => new GuardDecision { Verdict = GuardVerdict.DryRunOnly, Reason = GuardReasons.DryRun, Message = "the rule is dry-run" },
            { RequireApproval: true } when !request.Approved => new GuardDecision { Verdict = GuardVerdict.RequireApproval, Reason = GuardReasons.ApprovalRequired, Message = "the rule requires approval" },
            _ => GuardDecision.Allowed,
        };
        return Task.FromResult(decision);
    }

    public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationOutcome outcome, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
