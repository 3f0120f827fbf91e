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
        run.Steps.Where(s => s.Phase == "execute").ShouldAllBe(s => s.Status == "Succeeded", run.Describe());
        Cluster.Replicas("payment-service").ShouldBe(0, "recovery (scaling the root back) waits for a fix, as the rule's notify step says");
    }
}
