using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Guards.State;
using Remediator.Guards.Workloads;
using static Remediator.Guards.Tests.GuardsHarness;

namespace Remediator.Guards.Tests;

public sealed class RemediationGuardsTests : IDisposable
{
    private readonly GuardsHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_plain_remediation_is_allowed_and_nothing_is_counted()
    {
        var decision = await _h.Guards.EvaluateAsync(Request());

        decision.ShouldBe(GuardDecision.Allowed);
        _h.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_global_pause_refuses_until_lifted_or_expired()
    {
        var until = _h.Clock.GetUtcNow().AddMinutes(30);
        await _h.Store.SetPauseAsync(null, new PauseEntry { PausedAt = _h.Clock.GetUtcNow(), Until = until, Reason = "node upgrades" }, default);

        var paused = await _h.Guards.EvaluateAsync(Request());
        _h.Clock.Advance(TimeSpan.FromMinutes(30));
        var expired = await _h.Guards.EvaluateAsync(Request());

        paused.Verdict.ShouldBe(GuardVerdict.Refuse);
        paused.Reason.ShouldBe(GuardReasons.Paused);
        paused.Message!.ShouldContain("node upgrades");
        paused.RetryAt.ShouldBe(until);
        expired.Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task A_namespace_pause_refuses_that_namespace_including_a_step_target_there_only()
    {
        await _h.Store.SetPauseAsync("petclinic", new PauseEntry { PausedAt = _h.Clock.GetUtcNow() }, default);

        var elsewhere = await _h.Guards.EvaluateAsync(Request());
        var there = await _h.Guards.EvaluateAsync(Request(Deployment("vets-service", "petclinic")));
        var stepThere = await _h.Guards.EvaluateAsync(Request(steps: Step("restart") with { Target = Deployment("api-gateway", "petclinic") }));
        await _h.Store.RemovePauseAsync("petclinic", default);
        var resumed = await _h.Guards.EvaluateAsync(Request(Deployment("vets-service", "petclinic")));

        elsewhere.Verdict.ShouldBe(GuardVerdict.Allow);
        there.Reason.ShouldBe(GuardReasons.NamespacePaused);
        stepThere.Reason.ShouldBe(GuardReasons.NamespacePaused);
        resumed.Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task System_namespaces_are_denied_by_default_and_can_be_let_through()
    {
        var denied = await _h.Guards.EvaluateAsync(Request(Deployment("coredns", "kube-system")));
        _h.Options.DenySystemNamespaces = false;
        var let = await _h.Guards.EvaluateAsync(Request(Deployment("coredns", "kube-system")));

        denied.Reason.ShouldBe(GuardReasons.NamespaceDenied);
        let.Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task Deny_wins_over_allow_and_both_allow_lists_must_hold()
    {
        _h.Options.AllowedNamespaces.Add("fintech-services");
        _h.Options.AllowedNamespaces.Add("petclinic");
        _h.Options.DeniedNamespaces.Add("petclinic");

        var denied = await _h.Guards.EvaluateAsync(Request(Deployment("vets-service", "petclinic")));
        var notAllowed = await _h.Guards.EvaluateAsync(Request(Deployment("web", "shop")));
        var ruleNotAllowed = await _h.Guards.EvaluateAsync(Request(safety: new SafetyPolicy { AllowedNamespaces = ["shop"] }));
        var allowed = await _h.Guards.EvaluateAsync(Request(safety: new SafetyPolicy { AllowedNamespaces = ["fintech-services"] }));
        var node = await _h.Guards.EvaluateAsync(Request(new RemediationTarget { Kind = TargetKind.Node, Name = "worker-1" }));

        denied.Reason.ShouldBe(GuardReasons.NamespaceDenied);
        notAllowed.Reason.ShouldBe(GuardReasons.NamespaceNotAllowed);
        ruleNotAllowed.Reason.ShouldBe(GuardReasons.NamespaceNotAllowed);
        ruleNotAllowed.Message!.ShouldContain("rule 'restart-service'");
        allowed.Verdict.ShouldBe(GuardVerdict.Allow);
        node.Verdict.ShouldBe(GuardVerdict.Allow, "cluster-scoped targets have no namespace to check");
    }

    [Fact]
    public async Task Dry_run_globally_or_by_rule_runs_in_dry_run_without_counting_a_refusal()
    {
        var byRule = await _h.Guards.EvaluateAsync(Request(safety: new SafetyPolicy { DryRun = true }));
        _h.Options.DryRun = true;
        var global = await _h.Guards.EvaluateAsync(Request());

        byRule.Verdict.ShouldBe(GuardVerdict.DryRunOnly);
        byRule.Message!.ShouldContain("rule 'restart-service'");
        global.Verdict.ShouldBe(GuardVerdict.DryRunOnly);
        global.Message!.ShouldContain("Remediator:Guards:DryRun");
        _h.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task Guards_apply_in_the_documented_order()
    {
        // Every guard would stop this one; the first in the order speaks.
        _h.Options.DryRun = true;
        var request = Request(Deployment("coredns", "kube-system"), new SafetyPolicy { RequireApproval = true, MaxAttempts = 1 });
        await _h.Store.RecordAttemptAsync(Guid.NewGuid(), 1, request.Target.ToString(), _h.Clock.GetUtcNow(), default);
        await _h.Store.SetPauseAsync("kube-system", new PauseEntry { PausedAt = _h.Clock.GetUtcNow() }, default);
        await _h.Store.SetPauseAsync(null, new PauseEntry { PausedAt = _h.Clock.GetUtcNow() }, default);

        (await _h.Guards.EvaluateAsync(request)).Reason.ShouldBe(GuardReasons.Paused);
        await _h.Store.RemovePauseAsync(null, default);
        (await _h.Guards.EvaluateAsync(request)).Reason.ShouldBe(GuardReasons.NamespacePaused);
        await _h.Store.RemovePauseAsync("kube-system", default);
        (await _h.Guards.EvaluateAsync(request)).Reason.ShouldBe(GuardReasons.NamespaceDenied);
        _h.Options.DenySystemNamespaces = false;
        (await _h.Guards.EvaluateAsync(request)).Reason.ShouldBe(GuardReasons.DryRun);
        _h.Options.DryRun = false;
        (await _h.Guards.EvaluateAsync(request)).Reason.ShouldBe(GuardReasons.MaxAttempts);
        (await _h.Guards.EvaluateAsync(request with { Safety = request.Safety with { MaxAttempts = 2 } })).Reason.ShouldBe(GuardReasons.ApprovalRequired);
    }

    [Fact]
    public async Task Cooldown_starts_when_a_remediation_that_acted_finishes_and_expires()
    {
        var target = Deployment("auth-service");
        await _h.RemediateAsync(Request(target), RemediationOutcome.Failed);

        _h.Clock.Advance(TimeSpan.FromMinutes(14));
        var cooling = await _h.Guards.EvaluateAsync(Request(target));
        var other = await _h.Guards.EvaluateAsync(Request(Deployment("payment-service")));
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var cooled = await _h.Guards.EvaluateAsync(Request(target));

        cooling.Reason.ShouldBe(GuardReasons.Cooldown);
        cooling.RetryAt.ShouldBe(_h.Clock.GetUtcNow());
        other.Verdict.ShouldBe(GuardVerdict.Allow);
        cooled.Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task A_remediation_cancelled_before_acting_gives_its_slot_back_without_a_cooldown()
    {
        _h.Options.MaxConcurrentRemediations = 1;
        var first = Request();
        (await _h.Guards.EvaluateAsync(first)).Verdict.ShouldBe(GuardVerdict.Allow);

        (await _h.Guards.EvaluateAsync(Request(Deployment("payment-service")))).Reason.ShouldBe(GuardReasons.ConcurrencyLimit);
        await _h.Guards.RecordFinishedAsync(first.RemediationId, first.Target, RemediationOutcome.Cancelled);

        (await _h.Guards.EvaluateAsync(Request(first.Target))).Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task Max_attempts_counts_in_a_sliding_window_and_stops_a_loop()
    {
        var safety = new SafetyPolicy { Cooldown = TimeSpan.Zero, MaxAttempts = 3, AttemptWindow = TimeSpan.FromHours(1) };
        var target = Deployment("auth-service");
        await _h.RemediateAsync(Request(target, safety));
        _h.Clock.Advance(TimeSpan.FromMinutes(20));
        await _h.RemediateAsync(Request(target, safety));
        _h.Clock.Advance(TimeSpan.FromMinutes(20));
        await _h.RemediateAsync(Request(target, safety));
        _h.Clock.Advance(TimeSpan.FromMinutes(19));

        var loop = await _h.Guards.EvaluateAsync(Request(target, safety));
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var slid = await _h.Guards.EvaluateAsync(Request(target, safety));

        loop.Reason.ShouldBe(GuardReasons.MaxAttempts);
        loop.RetryAt.ShouldBe(_h.Clock.GetUtcNow());
        slid.Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task Further_attempts_of_a_running_remediation_skip_cooldown_and_the_cap_but_count_attempts()
    {
        _h.Options.MaxConcurrentRemediations = 1;
        var safety = new SafetyPolicy { MaxAttempts = 2 };
        var request = Request(safety: safety);
        _h.Workloads.Statuses[request.Target.ToString()] = new WorkloadStatus(1, 2, 2, 3, 0);
        (await _h.Guards.EvaluateAsync(request)).Verdict.ShouldBe(GuardVerdict.Allow);
        await _h.Guards.RecordStartedAsync(request.RemediationId, 1, request.Target);

        var rung = await _h.Guards.EvaluateAsync(request with { Steps = [Step("scale", parameters: ("by", "+2"))] });
        await _h.Guards.RecordStartedAsync(request.RemediationId, 2, request.Target);
        var third = await _h.Guards.EvaluateAsync(request);

        rung.Verdict.ShouldBe(GuardVerdict.Allow);
        third.Reason.ShouldBe(GuardReasons.MaxAttempts);
    }

    [Fact]
    public async Task The_concurrency_cap_holds_and_a_finished_remediation_releases_its_slot()
    {
        _h.Options.MaxConcurrentRemediations = 2;
        var a = Request(Deployment("a"));
        var b = Request(Deployment("b"));
        (await _h.Guards.EvaluateAsync(a)).Verdict.ShouldBe(GuardVerdict.Allow);
        (await _h.Guards.EvaluateAsync(b)).Verdict.ShouldBe(GuardVerdict.Allow);

        var capped = await _h.Guards.EvaluateAsync(Request(Deployment("c")));
        var again = await _h.Guards.EvaluateAsync(a);
        await _h.Guards.RecordStartedAsync(b.RemediationId, 1, b.Target);
        await _h.Guards.RecordFinishedAsync(b.RemediationId, b.Target, RemediationOutcome.Succeeded);
        var released = await _h.Guards.EvaluateAsync(Request(Deployment("c")));

        capped.Reason.ShouldBe(GuardReasons.ConcurrencyLimit);
        again.Verdict.ShouldBe(GuardVerdict.Allow, "asking again holds the same slot");
        released.Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task A_firing_releases_a_storm_that_is_over_asking_at_most_once_per_interval()
    {
        _h.Options.Storm.Threshold = 1;
        await _h.Guards.RecordFiringAsync(Deployment("svc-0"));
        await _h.Guards.RecordFiringAsync(Deployment("svc-1"));
        (await _h.Guards.EvaluateAsync(Request(Deployment("svc-0")))).StormEngaged.ShouldBeTrue();
        _h.Clock.Advance(_h.Options.Storm.Window + TimeSpan.FromSeconds(1));

        await _h.Guards.RecordFiringAsync(Deployment("svc-2"));
        var releasedByTheFiring = !await _h.Store.ReleaseStormAsync(default);
        await _h.Store.TryEngageStormAsync(_h.Clock.GetUtcNow(), default);
        await _h.Guards.RecordFiringAsync(Deployment("svc-2"));
        var askedAgainAtOnce = !await _h.Store.ReleaseStormAsync(default);

        releasedByTheFiring.ShouldBeTrue("the storm was over when the target fired");
        askedAgainAtOnce.ShouldBeFalse($"a firing asks once per {RemediationGuards.StormCheckInterval}");
    }

    [Fact]
    public async Task The_storm_brake_engages_once_with_the_targets_spares_harmless_steps_and_releases_when_quiet()
    {
        _h.Options.Storm.Threshold = 3;
        for (var i = 0; i < 4; i++)
        {
            await _h.Guards.RecordFiringAsync(Deployment($"svc-{i}"));
            _h.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var first = await _h.Guards.EvaluateAsync(Request(Deployment("svc-0")));
        var second = await _h.Guards.EvaluateAsync(Request(Deployment("svc-1")));
        var notify = await _h.Guards.EvaluateAsync(Request(steps: Step("notify", destructive: false)));
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        var quiet = await _h.Guards.EvaluateAsync(Request(Deployment("svc-3")));
        for (var i = 0; i < 4; i++)
        {
            await _h.Guards.RecordFiringAsync(Deployment($"other-{i}"));
        }

        var next = await _h.Guards.EvaluateAsync(Request(Deployment("other-0")));

        first.Verdict.ShouldBe(GuardVerdict.StormBraked);
        first.StormEngaged.ShouldBeTrue();
        first.StormTargets.ShouldBe(["deployment/fintech-services/svc-0", "deployment/fintech-services/svc-1", "deployment/fintech-services/svc-2", "deployment/fintech-services/svc-3"]);
        second.Verdict.ShouldBe(GuardVerdict.StormBraked);
        second.StormEngaged.ShouldBeFalse();
        second.StormTargets.ShouldBeEmpty("only the decision that engages the brake lists the targets");
        second.Message!.ShouldContain("more than 3 distinct targets");
        notify.Verdict.ShouldBe(GuardVerdict.Allow);
        quiet.Verdict.ShouldBe(GuardVerdict.Allow);
        next.StormEngaged.ShouldBeTrue("a new storm is reported again");
        _h.Log.Entries.ShouldContain(e => e.Message.Contains("Alert storm over", StringComparison.Ordinal));
        _h.Refusals.ShouldBe([GuardReasons.Storm, GuardReasons.Storm, GuardReasons.Storm]);
    }

    [Fact]
    public async Task The_storm_counts_distinct_targets_not_firings()
    {
        _h.Options.Storm.Threshold = 2;
        for (var i = 0; i < 5; i++)
        {
            await _h.Guards.RecordFiringAsync(Deployment("noisy"));
            await _h.Guards.RecordFiringAsync(Deployment("loud"));
        }

        (await _h.Guards.EvaluateAsync(Request())).Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Theory]
    [InlineData("replicas", "0", GuardReasons.MinimumHealthy)]
    [InlineData("by", "-3", GuardReasons.MinimumHealthy)]
    [InlineData("by", "-2", null)]
    [InlineData("replicas", "5", null)]
    public async Task Scaling_never_goes_below_the_available_replica_minimum(string key, string value, string? reason)
    {
        _h.Workloads.Statuses["deployment/fintech-services/auth-service"] = new WorkloadStatus(1, 3, 3, 3, 0);

        var decision = await _h.Guards.EvaluateAsync(Request(steps: Step("scale", parameters: (key, value))));

        decision.Reason.ShouldBe(reason);
    }

    [Fact]
    public async Task A_scale_already_below_the_minimum_may_still_go_up()
    {
        _h.Options.MinimumAvailableReplicas = 2;
        _h.Workloads.Statuses["deployment/fintech-services/auth-service"] = new WorkloadStatus(1, 1, 0, 3, 0);

        (await _h.Guards.EvaluateAsync(Request(steps: Step("scale", parameters: ("by", "+2"))))).Verdict.ShouldBe(GuardVerdict.Allow);
    }

    [Fact]
    public async Task Quarantining_a_pod_keeps_the_minimum_of_its_siblings_available()
    {
        var pod = new RemediationTarget { Kind = TargetKind.Pod, Namespace = "fintech-services", Name = "auth-1" };
        var quarantine = Step("isolate", parameters: ("mode", "quarantine-pod"));
        _h.Workloads.Statuses[pod.ToString()] = new WorkloadStatus(1, 2, 2, 3, 0);
        var allowed = await _h.Guards.EvaluateAsync(Request(pod, steps: quarantine));
        _h.Workloads.Statuses[pod.ToString()] = new WorkloadStatus(1, 2, 1, 3, 0);
        var refused = await _h.Guards.EvaluateAsync(Request(pod, steps: quarantine));

        allowed.Verdict.ShouldBe(GuardVerdict.Allow);
        refused.Reason.ShouldBe(GuardReasons.MinimumHealthy);
    }

    [Fact]
    public async Task Isolation_never_takes_more_than_the_set_share_of_a_namespace_out_of_service()
    {
        var isolate = Step("isolate", parameters: ("mode", "scale-to-zero"));
        var target = Deployment("payment-service");
        _h.Workloads.Statuses[target.ToString()] = new WorkloadStatus(1, 2, 0, 3, 0);
        var root = await _h.Guards.EvaluateAsync(Request(target, steps: isolate));
        _h.Workloads.Statuses[target.ToString()] = new WorkloadStatus(1, 2, 0, 3, 1);
        var second = await _h.Guards.EvaluateAsync(Request(target, steps: isolate with { Parameters = new Dictionary<string, string> { ["mode"] = "network-policy" } }));

        root.Verdict.ShouldBe(GuardVerdict.Allow, "1 of 3 is within the default half");
        second.Reason.ShouldBe(GuardReasons.IsolatedShare);
        second.Message!.ShouldContain("2 of 3 workloads");
    }

    [Fact]
    public async Task The_gate_refuses_when_it_cannot_read_the_workload()
    {
        _h.Workloads.Failure = new InvalidOperationException("connection refused");

        var decision = await _h.Guards.EvaluateAsync(Request(steps: Step("scale", parameters: ("replicas", "1"))));
        var restart = await _h.Guards.EvaluateAsync(Request());

        decision.Reason.ShouldBe(GuardReasons.WorkloadStatusUnavailable);
        decision.Message!.ShouldContain("connection refused");
        restart.Verdict.ShouldBe(GuardVerdict.Allow, "only scale and isolate steps are gated");
    }

    [Fact]
    public async Task Approval_is_required_until_given()
    {
        var request = Request(safety: new SafetyPolicy { RequireApproval = true });

        var waiting = await _h.Guards.EvaluateAsync(request);
        var approved = await _h.Guards.EvaluateAsync(request with { Approved = true });

        waiting.Verdict.ShouldBe(GuardVerdict.RequireApproval);
        approved.Verdict.ShouldBe(GuardVerdict.Allow);
        _h.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_refusal_is_counted_and_logged_with_its_reason()
    {
        _h.Options.MaxConcurrentRemediations = 1;
        await _h.Guards.EvaluateAsync(Request());
        await _h.Guards.EvaluateAsync(Request(Deployment("coredns", "kube-system")));
        await _h.Guards.EvaluateAsync(Request(Deployment("payment-service")));

        _h.Refusals.ShouldBe([GuardReasons.NamespaceDenied, GuardReasons.ConcurrencyLimit]);
        var warnings = _h.Log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        warnings.Count.ShouldBe(2);
        warnings[0].ShouldContain("namespace-denied");
        warnings[1].ShouldContain("concurrency-limit");
    }
}
