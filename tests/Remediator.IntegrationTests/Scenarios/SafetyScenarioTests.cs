using Remediator.IntegrationTests.Infrastructure;
using Remediator.Kubernetes.Simulator;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>The guards and the durable state keeping automation from making an incident worse.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class SafetyScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    [Fact]
    public async Task An_alert_storm_stops_destructive_actions_beyond_the_threshold_and_escalates_once_with_the_list()
    {
        const int threshold = 3;
        var engine = await StartScenarioAsync(EngineStore.Postgres, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            ["Remediator:Guards:Storm:Threshold"] = $"{threshold}",
            ["Remediator:Guards:Storm:Window"] = "00:10:00",
        });
        var services = SimulatedCluster.FintechServices.Take(6).ToList();

        // Six services down at once: more than the threshold of distinct targets.
        await PostAsync(engine, [.. services.Select(TestAlert.ServiceNotResponding)]);

        var runs = new List<RemediationsApi.ListedRemediation>();
        foreach (var service in services)
        {
            runs.Add(await WaitForOutcomeAsync(engine, service));
        }

        var story = string.Join(Environment.NewLine, runs.Select(r => r.Describe())) + Environment.NewLine + Cluster.Describe();
        var restarted = services.Where(s => Cluster.Restarts(s).Count > 0).ToList();
        restarted.Count.ShouldBeLessThanOrEqualTo(threshold, story);
        services.ShouldAllBe(s => Cluster.Restarts(s).Count <= 1, story);

        // Exactly one run carries the storm to a human, with the firing targets; the others braked were refused.
        var escalated = runs.Where(r => r.State == "Escalated").ShouldHaveSingleItem(story);
        escalated.Outcome.ShouldNotBeNull().ShouldContain("(storm)", Case.Sensitive, story);
        var listed = services.Where(s => escalated.Outcome.Contains($"deployment/{SimulatedCluster.Namespace}/{s}", StringComparison.Ordinal)).ToList();
        listed.Count.ShouldBeGreaterThan(threshold, story);
        var braked = runs.Where(r => !restarted.Contains(r.TargetKey.Split('/')[^1]) && r != escalated).ToList();
        braked.ShouldAllBe(r => r.State == "Refused" && r.Outcome!.Contains("(storm)"), story);
        runs.Where(r => restarted.Contains(r.TargetKey.Split('/')[^1])).ShouldAllBe(r => r.State == "Succeeded", story);

        await VirtualHost.WaitUntilDrainedAsync();
        Bus.RemediationsEscalated.All.ShouldHaveSingleItem(story).RemediationId.ShouldBe(escalated.Id);
    }

    [Fact]
    public async Task Two_engines_on_one_broker_and_database_fed_the_same_alerts_remediate_each_target_once()
    {
        var first = await StartScenarioAsync(EngineStore.Postgres, ScenarioRules.RestartOnly);
        var second = await StartEngineAsync();
        var services = SimulatedCluster.FintechServices.Take(4).ToList();
        var alerts = services.Select(TestAlert.ServiceNotResponding).ToArray();

        // An Alertmanager HA pair: every notification reaches both replicas, at the same time, twice.
        await Task.WhenAll(
            PostAsync(first, alerts),
            PostAsync(second, alerts),
            PostAsync(first, alerts),
            PostAsync(second, alerts));

        foreach (var service in services)
        {
            (await WaitForOutcomeAsync(first, service)).State.ShouldBe("Succeeded");
        }

        await VirtualHost.WaitUntilDrainedAsync();
        foreach (var service in services)
        {
            (await RunsAsync(first, service)).ShouldHaveSingleItem(Cluster.Describe());
            (await RunsAsync(second, service)).ShouldHaveSingleItem(Cluster.Describe());
            Cluster.Restarts(service).Count.ShouldBe(1, Cluster.Describe());
        }

        Bus.RemediationsRequested.All.Count.ShouldBe(services.Count);
        Cluster.Mutations().Count.ShouldBe(services.Count, Cluster.Describe());
    }

    [Fact]
    public async Task Two_engines_deciding_at_once_never_let_more_remediations_act_than_the_slot_limit()
    {
        const int limit = 2;
        var first = await StartScenarioAsync(EngineStore.Postgres, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            ["Remediator:Guards:MaxConcurrentRemediations"] = $"{limit}",
        });
        var second = await StartEngineAsync();
        var services = SimulatedCluster.FintechServices.Take(6).ToList();

        // Every restart is held on the wire, so a run that acts keeps its slot while the others decide.
        foreach (var service in services)
        {
            Cluster.Api.InjectFault(new Fault { Method = "PATCH", PathContains = SimulatedCluster.DeploymentPath(service), Delay = TimeSpan.FromMinutes(5) });
        }

        // Half the alerts to each engine, at once: both decide, each in its own transactions.
        await Task.WhenAll(
            PostAsync(first, [.. services.Where((_, i) => i % 2 == 0).Select(TestAlert.ServiceNotResponding)]),
            PostAsync(second, [.. services.Where((_, i) => i % 2 == 1).Select(TestAlert.ServiceNotResponding)]));

        var runs = new List<RemediationsApi.ListedRemediation>();
        foreach (var service in services)
        {
            runs.Add(await WaitForRunAsync(first, service, run => run.State is "Executing" or "Refused", "the guards' decision"));
        }

        var story = string.Join(Environment.NewLine, runs.Select(r => r.Describe())) + Environment.NewLine + Cluster.Describe();
        runs.Count(r => r.State == "Executing").ShouldBe(limit, story);
        runs.Where(r => r.State == "Refused").ShouldAllBe(r => r.Outcome!.Contains("(concurrency-limit)"), story);
    }

    [Fact]
    public async Task A_guard_refusal_leaves_a_RemediatorRefused_event_on_the_target_naming_the_rule_the_alert_the_guard_and_the_runs_page()
    {
        var engine = await StartScenarioAsync(EngineStore.Sqlite, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            ["Remediator:Guards:DeniedNamespaces:0"] = SimulatedCluster.Namespace,
            ["Remediator:Escalation:PublicBaseUrl"] = "https://remediator.example/",
        });

        // As deployed: the engine's requests are authorized by the roles deploy/kubernetes ships.
        Cluster.Api.Authorizer = RbacPolicy.Shipped().Allows;

        await PostAsync(engine, TestAlert.ServiceNotResponding("auth-service"));
        var run = await WaitForOutcomeAsync(engine, "auth-service");
        run.State.ShouldBe("Refused", run.Describe());

        // Written by the refusal's consumer once the saga has moved on.
        var recorded = await Eventually.ValueAsync(
            () => Task.FromResult(Cluster.Api.Cluster.List(ResourceType.Events, SimulatedCluster.Namespace).Items.FirstOrDefault(e =>
                e["involvedObject"]!["name"]!.GetValue<string>() == "auth-service" && e["reason"]!.GetValue<string>() == "RemediatorRefused")),
            "the refusal's Event on deployment auth-service",
            OutcomeTimeout,
            () => engine.Describe() + Environment.NewLine + Cluster.Describe());
        recorded["type"]!.GetValue<string>().ShouldBe("Warning");
        recorded["involvedObject"]!["kind"]!.GetValue<string>().ShouldBe("Deployment");
        recorded["message"]!.GetValue<string>().ShouldBe(
            $"deployment/{SimulatedCluster.Namespace}/auth-service: not remediated, attempt 1 refused by the guards: {run.Outcome!["refused by the guards: ".Length..]} " +
            $"(rule {run.RuleName}, alert ServiceNotResponding, run https://remediator.example/remediations/{run.Id})");
        run.Outcome.ShouldContain("(namespace-denied)");
        Cluster.Api.Requests.Where(r => r.StatusCode == 403).ShouldBeEmpty();
        Cluster.Mutations().ShouldBeEmpty(Cluster.Describe());
    }
}
