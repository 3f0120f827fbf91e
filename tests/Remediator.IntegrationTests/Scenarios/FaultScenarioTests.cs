using Remediator.IntegrationTests.Infrastructure;
using Remediator.Kubernetes.Simulator;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// A remediation caught mid-way by an outage of what it runs on: the broker, the database, the
/// engine process itself. Each time the remediation must finish, and no destructive request
/// (counted in the simulator) may be sent twice.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class FaultScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const string Service = "payment-service";

    [Fact]
    public async Task A_remediation_caught_by_a_broker_restart_finishes_once_the_broker_is_back()
    {
        var engine = await StartWaitingForRolloutAsync(EngineStore.Postgres);

        // The only test that takes the shared broker down; the rollout finishes while it is away,
        // so the step's report has nowhere to go until it is back.
        await Servers.RabbitMq.StopAppAsync();
        try
        {
            Cluster.CompleteRollout(Service);
        }
        finally
        {
            await Servers.RabbitMq.StartAppAsync();
        }

        await FinishAsync(engine);
    }

    [Fact]
    public async Task A_remediation_whose_database_connections_are_cut_resumes()
    {
        var engine = await StartWaitingForRolloutAsync(EngineStore.Postgres);

        // Gentler than restarting the shared server, and the same to the engine: every
        // connection it holds to its database dies under it, mid-step and again mid-verification.
        await TerminateDatabaseConnectionsAsync();
        Cluster.CompleteRollout(Service);
        await WaitForRunAsync(engine, Service, run => run.State == "Verifying", "the steps to complete");
        await TerminateDatabaseConnectionsAsync();

        await FinishAsync(engine);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_engine_killed_while_a_step_waits_for_the_rollout_finishes_the_remediation_after_a_restart(EngineStore store)
    {
        var engine = await StartWaitingForRolloutAsync(store);

        engine = await KillAndRestartAsync(engine);
        Cluster.CompleteRollout(Service);

        await FinishAsync(engine);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_engine_killed_while_verifying_climbs_the_ladder_on_its_successor_when_the_window_has_passed(EngineStore store)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartThenScaleOut(verifyWithin: "5s"));
        await PostAsync(engine, _alert);
        await WaitForRunAsync(engine, Service, run => run.State == "Verifying", "the restart to be verified");

        // The verification timer falls due while no engine runs (a restart takes longer than the window).
        engine = await KillAndRestartAsync(engine);

        var run = await WaitForOutcomeAsync(engine, Service);
        var story = run.Describe() + Environment.NewLine + Cluster.Describe();
        run.State.ShouldBe("Escalated", story);
        run.Timeline.ShouldContain(e => e.Reason.Contains("climbing to ladder rung 'scale-out'", StringComparison.Ordinal), story);
        Cluster.Restarts(Service).Count.ShouldBe(1, story);
        Cluster.Scales(Service).ShouldHaveSingleItem(story);
    }

    /// <summary>
    /// Killed inside a destructive step: the restart of the backend tier has patched its first
    /// Deployment and is reading the second when the engine dies. The successor may not patch the
    /// first again; it finishes the run or escalates it with the step marked unknown (the saga's
    /// step journal: without it the redelivered step would run again from the start).
    /// </summary>
    [Fact]
    public async Task An_engine_killed_inside_a_destructive_step_never_repeats_its_requests_after_a_restart()
    {
        const string tier = "{tier=backend}";
        var engine = await StartScenarioAsync(EngineStore.Postgres, BackendTierRestart);
        Cluster.Label("account-service", ("tier", "backend"));
        Cluster.Label("payment-service", ("tier", "backend"));
        var (backend, _) = Cluster.Api.Cluster.List(ResourceType.Deployments, SimulatedCluster.Namespace, "tier=backend");
        var first = backend[0]["metadata"]!["name"]!.GetValue<string>();
        var second = backend[1]["metadata"]!["name"]!.GetValue<string>();

        // The step hangs reading the second Deployment, after the first was restarted (the delay
        // only holds the kill's moment in place; the client's own timeout is longer).
        Cluster.Api.InjectFault(new Fault { Method = "GET", PathContains = SimulatedCluster.DeploymentPath(second), Delay = TimeSpan.FromSeconds(20) });
        await PostAsync(engine, TestAlert.Fintech("BackendTierDegraded", "account-service"));
        await WaitForClusterAsync(c => c.Restarts(first).Count == 1, $"the restart of {first}", engine);

        engine = await KillAndRestartAsync(engine);

        var run = await WaitForOutcomeAsync(engine, tier);
        var story = run.Describe() + Environment.NewLine + Cluster.Describe();
        Cluster.Restarts(first).Count.ShouldBe(1, story);
        Cluster.Restarts(second).Count.ShouldBeLessThanOrEqualTo(1, story);
        if (run.State != "Succeeded")
        {
            run.State.ShouldBe("Escalated", story);
            (run.Outcome + string.Concat(run.Steps.Select(s => s.Status + s.Summary))).ShouldContain("unknown", Case.Insensitive, story);
        }
    }

    private const string BackendTierRestart = """
        rules:
          - name: restart-backend-tier
            description: Restart every Deployment of the backend tier (one destructive step over several objects).
            match:
              - alertname = BackendTierDegraded
              - namespace = fintech-services
            target:
              kind: Deployment
              namespace: fintech-services
              selector: tier=backend
            steps:
              - action: restart
                timeout: 2m
            cooldown: 0
            allowed-namespaces: [fintech-services]
        """;

    private readonly TestAlert _alert = TestAlert.ServiceNotResponding(Service);

    /// <summary>
    /// The restart rule with a rollout that cannot finish: returns once the restart is done and
    /// wait-for-rollout is watching the Deployment, i.e. the remediation is mid-step.
    /// </summary>
    private async Task<EngineProcess> StartWaitingForRolloutAsync(EngineStore store)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartThenScaleOut(verifyWithin: "3m"));
        Cluster.StallRollouts(Service);
        await PostAsync(engine, _alert);
        await WaitForClusterAsync(c => c.Restarts(Service).Count == 1 && c.IsWatched(Service), "the restart, then wait-for-rollout watching", engine);
        (await RunsAsync(engine, Service)).ShouldHaveSingleItem().State.ShouldBe("Executing");
        return engine;
    }

    /// <summary>The alert resolves; the run must succeed, with the restart sent exactly once and nothing else done.</summary>
    private async Task FinishAsync(EngineProcess engine)
    {
        var verifying = await WaitForRunAsync(engine, Service, run => run.State == "Verifying", "the steps to complete");
        await PostUntilAcceptedAsync(engine, _alert.Resolved());

        var run = await WaitForOutcomeAsync(engine, Service, verifying.Id);
        var story = run.Describe() + Environment.NewLine + Cluster.Describe();
        run.State.ShouldBe("Succeeded", story);
        Cluster.Restarts(Service).Count.ShouldBe(1, story);
        Cluster.Scales(Service).ShouldBeEmpty(story);
        var runs = await Eventually.ValueAsync(async () => (await RemediationsApi.TryListAsync(engine, TargetKey(Service))).Runs, "the API to list the runs");
        runs.ShouldHaveSingleItem(story);

        // Nothing was given up on along the way: no message rests in an error queue.
        var queues = await Servers.RabbitMq.ListQueuesAsync(VirtualHost.Name);
        queues.Where(q => q.IsDeadLetter && q.MessagesReady > 0).ShouldBeEmpty(story);
    }

    private async Task TerminateDatabaseConnectionsAsync()
    {
        var terminated = await Database.ExecuteAsync(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
        Output.WriteLine($"Terminated {terminated} connections of database {Database.Name}.");
        int.Parse(terminated, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
    }
}
