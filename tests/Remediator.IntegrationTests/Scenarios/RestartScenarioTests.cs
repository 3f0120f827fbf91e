using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// Runbook "Incident: Service Not Responding" end to end: Alertmanager's webhook, the saga, the
/// Kubernetes calls the simulator records, and the outcome the API shows.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class RestartScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_restart_is_verified_by_the_resolved_alert_from_Alertmanager(EngineStore store)
    {
        var engine = await StartScenarioAsync(store, ShippedRules);
        var alertmanager = await StartAlertmanagerAsync(engine);
        var alert = TestAlert.ServiceNotResponding("auth-service");

        await alertmanager.PostAlertsAsync(alert);

        // The shipped rule: reset the breakers on every pod, rolling restart, rollout; then it waits for the alert.
        var verifying = await WaitForRunAsync(engine, "auth-service", run => run.State == "Verifying", "the run to verify after its steps");
        verifying.RuleName.ShouldBe("fintech-service-not-responding");
        Cluster.Restarts("auth-service").Count.ShouldBe(1, Cluster.Describe());
        Cluster.CircuitBreakerResets("auth-service").Count.ShouldBe(2, Cluster.Describe());

        await alertmanager.PostAlertsAsync(alert.Resolved());

        var run = await WaitForOutcomeAsync(engine, "auth-service", verifying.Id);
        run.State.ShouldBe("Succeeded", run.Describe());
        run.Timeline.ShouldContain(e => e.Reason.Contains("resolved", StringComparison.Ordinal), run.Describe());
        run.Steps.Where(s => s.Phase == "execute").Select(s => (s.Name, s.Status))
            .ShouldBe([("reset-circuit-breakers", "Succeeded"), ("restart", "Succeeded"), ("wait-for-rollout", "Succeeded")], run.Describe());
        run.Steps.Where(s => s.Phase == "verify").Select(s => (s.Name, s.Status))
            .ShouldBe([("verify-rollout", "Succeeded"), ("verify-health", "Succeeded")], ignoreOrder: true, run.Describe());

        // Nothing else was done to the cluster: one restart, no scaling, no other service touched.
        Cluster.Restarts("auth-service").Count.ShouldBe(1, Cluster.Describe());
        Cluster.Mutations().ShouldAllBe(r => r.Path == SimulatedCluster.DeploymentPath("auth-service"), Cluster.Describe());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_restart_that_fails_verification_climbs_to_the_scale_up_and_then_escalates(EngineStore store)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartThenScaleOut(verifyWithin: "5s"));
        var alert = TestAlert.ServiceNotResponding("payment-service");

        // The alert never resolves.
        await PostAsync(engine, alert);

        var run = await WaitForOutcomeAsync(engine, "payment-service");
        run.State.ShouldBe("Escalated", run.Describe());
        run.Timeline.Select(e => e.State).ShouldContain("Failed", run.Describe());
        run.Timeline[^1].State.ShouldBe("Escalated", run.Describe());
        run.Timeline.ShouldContain(e => e.Reason.Contains("climbing to ladder rung 'scale-out'", StringComparison.Ordinal), run.Describe());
        run.Outcome.ShouldNotBeNull().ShouldContain("did not resolve", Case.Sensitive, run.Describe());
        var escalated = await Bus.RemediationsEscalated.WaitForAsync(e => e.RemediationId == run.Id, "for the run");
        escalated.Attempts.ShouldBe(2);
        escalated.EscalationPolicy.ShouldBe("fintech-p1");

        // What the cluster saw: the restart once, then the rung's +2 once (2 -> 4 replicas).
        Cluster.Restarts("payment-service").Count.ShouldBe(1, Cluster.Describe());
        var scale = Cluster.Scales("payment-service").ShouldHaveSingleItem(Cluster.Describe());
        scale.Body.ShouldNotBeNull().ShouldContain("\"replicas\":4", Case.Sensitive, Cluster.Describe());
        Cluster.Replicas("payment-service").ShouldBe(4);
    }

    [Fact]
    public async Task A_remediation_loop_is_stopped_by_max_attempts_with_the_refusal_in_the_API()
    {
        var engine = await StartScenarioAsync(EngineStore.Postgres, ScenarioRules.RestartThenScaleOut(verifyWithin: "1m", maxAttempts: 2));
        var alert = TestAlert.ServiceNotResponding("account-service");

        // The restart "fixes" it each time and the alert comes back: the loop StackStorm and Robusta are blamed for.
        for (var round = 1; round <= 2; round++)
        {
            await PostAsync(engine, alert);
            await WaitForClusterAsync(c => c.Restarts("account-service").Count == round, $"restart number {round}", engine);
            await PostAsync(engine, alert.Resolved());
            await WaitForRunAsync(engine, "account-service", run => run.State == "Succeeded", $"round {round} to succeed");
            await Eventually.TrueAsync(
                async () => (await RunsAsync(engine, "account-service")).Count(r => r.State == "Succeeded") == round,
                $"{round} succeeded runs");

            // A real loop's rounds are minutes apart: the run's last step reports have landed
            // before the alert comes back. (Arriving together, a saga retry after an optimistic
            // concurrency conflict re-runs the guards' side effects and counts one attempt twice.)
            await VirtualHost.WaitUntilDrainedAsync();
            alert = alert.FiringAgain();
        }

        await PostAsync(engine, alert);

        var refused = await WaitForRunAsync(engine, "account-service", run => run.State == "Refused", "the third run to be refused");
        refused.Outcome.ShouldNotBeNull().ShouldContain("(max-attempts)", Case.Sensitive, refused.Describe());
        refused.Timeline.ShouldContain(e => e.Reason.Contains("max-attempts", StringComparison.Ordinal), refused.Describe());
        (await RunsAsync(engine, "account-service")).Select(r => r.State).ShouldBe(["Refused", "Succeeded", "Succeeded"]);
        Cluster.Restarts("account-service").Count.ShouldBe(2, Cluster.Describe());
        Cluster.Scales("account-service").ShouldBeEmpty(Cluster.Describe());
    }
}
