using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>Runbook "Incident: Cascading Failures", "Resolution - Isolation", under the shipped rule and topology.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class CascadingFailureScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    [Fact]
    public async Task After_approval_the_root_is_isolated_and_its_dependents_breakers_reset_and_restarted()
    {
        var engine = await StartScenarioAsync(EngineStore.Postgres, ShippedRules);
        var alert = TestAlert.Fintech("CascadingFailure", "payment-service");

        await PostAsync(engine, alert);

        // Isolation takes payments down on purpose: nothing happens until a human approves.
        var waiting = await WaitForRunAsync(engine, "payment-service", run => run.State == "AwaitingApproval", "the run to ask for approval");
        waiting.RuleName.ShouldBe("fintech-cascading-failure");
        Cluster.Mutations().ShouldBeEmpty(Cluster.Describe());
        Cluster.Pods.Requests.ShouldBeEmpty();

        using (var approval = await engine.PostJsonAsync($"api/v1/remediations/{waiting.Id}/approve", """{"by":"on-call","comment":"payments is the root"}"""))
        {
            approval.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approval.Content.ReadAsStringAsync());
        }

        var verifying = await WaitForRunAsync(engine, "payment-service", run => run.State == "Verifying", "the approved steps to run");
        var story = verifying.Describe() + Environment.NewLine + Cluster.Describe();
        verifying.Timeline.ShouldContain(e => e.Reason.StartsWith("approved by on-call", StringComparison.Ordinal), story);

        // The root, isolated: scaled to zero once, never restarted.
        Cluster.Scales("payment-service").ShouldHaveSingleItem(story).Body.ShouldNotBeNull().ShouldContain("\"replicas\":0", Case.Sensitive, story);
        Cluster.Replicas("payment-service").ShouldBe(0);
        Cluster.Restarts("payment-service").ShouldBeEmpty(story);

        // Its dependents per the topology (account calls payment, auth calls account): breakers
        // reset on every pod, then one rolling restart each, after the isolation.
        var isolatedAt = Cluster.Scales("payment-service")[0].At;
        foreach (var dependent in new[] { "account-service", "auth-service" })
        {
            Cluster.CircuitBreakerResets(dependent).Count.ShouldBe(2, story);
            var restart = Cluster.Restarts(dependent).ShouldHaveSingleItem(story);
            restart.At.ShouldBeGreaterThanOrEqualTo(isolatedAt, story);
        }

        // Services outside the cascade are left alone.
        Cluster.Mutations().Select(r => r.Path).Distinct().ShouldBe(
            [
                SimulatedCluster.DeploymentPath("account-service"),
                SimulatedCluster.DeploymentPath("auth-service"),
                $"{SimulatedCluster.DeploymentPath("payment-service")}/scale",
            ],
            ignoreOrder: true,
            story);

        await PostAsync(engine, alert.Resolved());
        var run = await WaitForOutcomeAsync(engine, "payment-service", waiting.Id);
        run.State.ShouldBe("Succeeded", run.Describe());
        // The notify step hands its message to the channels (Requested); each channel's outcome is a deliver row of its own.
        run.Steps.Where(s => s.Phase == "execute" && s.Action != "notify").ShouldAllBe(s => s.Status == "Succeeded", run.Describe());
        run.Steps.Where(s => s.Phase == "execute" && s.Action == "notify").ShouldAllBe(s => s.Status == "Requested", run.Describe());
        Cluster.Replicas("payment-service").ShouldBe(0, "recovery (scaling the root back) waits for a fix, as the rule's notify step says");
    }

    [Fact]
    public async Task A_dependents_own_remediation_waits_for_the_root_and_the_recovery_restores_the_root()
    {
        var engine = await StartScenarioAsync(EngineStore.Postgres, ShippedRules);
        var cascade = TestAlert.Fintech("CascadingFailure", "payment-service");
        var authDown = TestAlert.Fintech("ServiceNotResponding", "auth-service");
        await PostAsync(engine, cascade);
        var root = await WaitForRunAsync(engine, "payment-service", run => run.State == "AwaitingApproval", "the root's run to ask for approval");

        // auth calls account, which calls payment: its own remediation waits for the root's.
        await PostAsync(engine, authDown);
        var dependent = await WaitForRunAsync(engine, "auth-service", run => run.State == "WaitingForRoot", "auth's run to wait for the root");
        Cluster.Mutations().ShouldBeEmpty(Cluster.Describe());

        using (var approval = await engine.PostJsonAsync($"api/v1/remediations/{root.Id}/approve", """{"by":"on-call"}"""))
        {
            approval.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approval.Content.ReadAsStringAsync());
        }

        await WaitForRunAsync(engine, "payment-service", run => run.State == "Verifying", "the root's steps to run");

        // The root's fix restarted auth; auth recovers, so its own run never acts.
        await PostAsync(engine, authDown.Resolved());
        var cancelled = await WaitForOutcomeAsync(engine, "auth-service", dependent.Id);
        cancelled.State.ShouldBe("Cancelled", cancelled.Describe());
        cancelled.Outcome.ShouldNotBeNull().ShouldContain("fixing the root was enough", Case.Sensitive, cancelled.Describe());
        Cluster.Restarts("auth-service").ShouldHaveSingleItem(Cluster.Describe());

        await PostAsync(engine, cascade.Resolved());
        (await WaitForOutcomeAsync(engine, "payment-service", root.Id)).State.ShouldBe("Succeeded");
        Cluster.Replicas("payment-service").ShouldBe(0);

        // The recovery, once people fixed payments: what the isolation changed is restored.
        using (var restore = await engine.PostJsonAsync($"api/v1/remediations/{root.Id}/restore", """{"by":"on-call","comment":"payments fixed"}"""))
        {
            restore.StatusCode.ShouldBe(HttpStatusCode.Accepted, await restore.Content.ReadAsStringAsync());
        }

        await WaitForClusterAsync(cluster => cluster.Replicas("payment-service") == 2, "payment-service scaled back to 2", engine);
        var restored = await WaitForRunAsync(engine, "payment-service", run => run.Timeline.Any(e => e.Reason.StartsWith("recovery done", StringComparison.Ordinal)), "the recovery in the timeline");
        restored.Steps.ShouldContain(step => step.Phase == "restore" && step.Status == "Succeeded", restored.Describe());
    }
}
