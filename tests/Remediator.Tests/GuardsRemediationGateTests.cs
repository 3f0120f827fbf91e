using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Hosting;
using Remediator.Sagas;

namespace Remediator.Tests;

public sealed class GuardsRemediationGateTests
{
    private static readonly RemediationTarget _target = new() { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = "auth-service" };

    public static TheoryData<GuardDecision, GateVerdict> Decisions => new()
    {
        { GuardDecision.Allowed, GateVerdict.Allow },
        { GuardDecision.Refuse(GuardReasons.Cooldown, "in cooldown"), GateVerdict.Refuse },
        { new GuardDecision { Verdict = GuardVerdict.RequireApproval, Reason = GuardReasons.ApprovalRequired, Message = "approval" }, GateVerdict.RequireApproval },
        { new GuardDecision { Verdict = GuardVerdict.DryRunOnly, Reason = GuardReasons.DryRun, Message = "dry-run" }, GateVerdict.DryRunOnly },
        { new GuardDecision { Verdict = GuardVerdict.StormBraked, Reason = GuardReasons.Storm, Message = "storm", StormEngaged = true, StormTargets = ["a", "b"] }, GateVerdict.Escalate },
        { new GuardDecision { Verdict = GuardVerdict.StormBraked, Reason = GuardReasons.Storm, Message = "storm" }, GateVerdict.Refuse },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task Each_guard_verdict_becomes_the_gate_verdict_the_saga_acts_on(GuardDecision decision, GateVerdict expected)
    {
        var guards = new ScriptedGuards(decision);
        var gate = new GuardsRemediationGate(guards);

        var result = await gate.EvaluateAsync(
            new GateRequest { RemediationId = Guid.NewGuid(), RuleName = "restart", Target = _target, Safety = new SafetyPolicy(), Steps = [], Attempt = 1, Approved = true },
            CancellationToken.None);

        result.Verdict.ShouldBe(expected);
        result.Reason.ShouldNotBeNullOrWhiteSpace();
        guards.Asked!.Approved.ShouldBeTrue();
        guards.Asked.Target.ShouldBe(_target);
    }

    [Theory]
    [InlineData(GuardReasons.MaxAttempts, true)]
    [InlineData(GuardReasons.MinimumHealthy, true)]
    [InlineData(GuardReasons.Cooldown, true)]
    [InlineData(GuardReasons.Paused, false)]
    [InlineData(GuardReasons.NamespaceDenied, false)]
    [InlineData(GuardReasons.Storm, false)]
    public async Task Refusals_on_call_should_hear_of_are_flagged_and_deliberate_ones_are_not(string reason, bool notify)
    {
        var gate = new GuardsRemediationGate(new ScriptedGuards(GuardDecision.Refuse(reason, "refused")));

        var result = await gate.EvaluateAsync(
            new GateRequest { RemediationId = Guid.NewGuid(), RuleName = "restart", Target = _target, Safety = new SafetyPolicy(), Steps = [], Attempt = 1 },
            CancellationToken.None);

        result.Notify.ShouldBe(notify);
    }

    [Fact]
    public async Task The_storm_that_engages_names_its_targets_in_the_reason()
    {
        var gate = new GuardsRemediationGate(new ScriptedGuards(new GuardDecision { Verdict = GuardVerdict.StormBraked, Reason = GuardReasons.Storm, Message = "storm", StormEngaged = true, StormTargets = ["deployment/a/x", "deployment/a/y"] }));

        var result = await gate.EvaluateAsync(
            new GateRequest { RemediationId = Guid.NewGuid(), RuleName = "restart", Target = _target, Safety = new SafetyPolicy(), Steps = [], Attempt = 1 },
            CancellationToken.None);

        result.Reason.ShouldContain("deployment/a/x, deployment/a/y");
    }

    [Fact]
    public async Task A_finished_run_is_reported_to_the_guards_with_its_outcome()
    {
        var guards = new ScriptedGuards(GuardDecision.Allowed);
        var id = Guid.NewGuid();

        await new GuardsRemediationGate(guards).RecordFinishedAsync(id, _target, RemediationRunOutcome.Escalated, CancellationToken.None);

        guards.Finished.ShouldBe((id, _target, RemediationOutcome.Escalated));
    }

    private sealed class ScriptedGuards(GuardDecision decision) : IRemediationGuards
    {
        public GuardRequest? Asked { get; private set; }

        public (Guid, RemediationTarget, RemediationOutcome)? Finished { get; private set; }

        public Task<GuardDecision> EvaluateAsync(GuardRequest request, CancellationToken cancellationToken = default)
        {
            Asked = request;
            return Task.FromResult(decision);
        }

        public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationOutcome outcome, CancellationToken cancellationToken = default)
        {
            Finished = (remediationId, target, outcome);
            return Task.CompletedTask;
        }

        public Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
