using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// The reconciler in the real engine process: on the embedded default (in-memory bus, SQLite) a
/// step under way dies with the process; at the next start the run is closed at once, without
/// waiting for its execution deadline and without sending the step again. Concurrency slots left
/// behind by a killed engine's runs are released, so new alerts are not refused for good.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class ReconcilerScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const string Service = "auth-service";

    // The rollout wait outlasts the scenario's wait for an outcome: a run only ends within it if the
    // reconciler closes the attempt at start, not at the execution deadline (1 m + 10 m + the grace).
    private static readonly string _restartAndWait = ScenarioRules.ServiceNotResponding("restart-and-wait", "Restart, then wait long for the rollout (reconciler scenarios).", """
        steps:
          - action: restart
            timeout: 1m
          - action: wait-for-rollout
            timeout: 10m
        severity: P1
        cooldown: 0
        allowed-namespaces: [fintech-services]
        """);

    // The embedded default's bus: its queues, and the steps under way in them, die with the process.
    private static readonly Dictionary<string, string> _inMemoryBus = new() { ["Remediator:Bus:Transport"] = "InMemory" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Slots_left_behind_by_ended_or_unknown_runs_are_released_and_new_alerts_remediated(EngineStore store)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            // One slot: a single leaked one would refuse every new remediation ("concurrency-limit").
            ["Remediator:Guards:MaxConcurrentRemediations"] = "1",
            ["Remediator:Reconciler:Interval"] = "00:00:01",
            ["Remediator:Reconciler:Grace"] = "00:00:02",
        });
        await PostAsync(engine, TestAlert.ServiceNotResponding(Service));
        var ended = await WaitForOutcomeAsync(engine, Service);
        ended.State.ShouldBe("Succeeded", ended.Describe());
        await engine.KillAsync();

        // Slots that no unfinished run owns, as an engine before the transactional outbox left them
        // when it was killed mid-run: one of the run that ended, one of a run that never was.
        var ghost = Guid.NewGuid();
        await ExecuteOnStoreAsync(store, $"""
            INSERT INTO guard_active (remediation_id, target_key, acted) VALUES
            ('{ended.Id:D}', '{TargetKey(Service)}', TRUE), ('{ghost:D}', '{TargetKey("ghost-service")}', FALSE)
            """);
        engine = await StartEngineAsync();

        await Eventually.TrueAsync(
            async () =>
            {
                using var metrics = await engine.GetAsync("metrics");
                return (await metrics.Content.ReadAsStringAsync()).Contains("remediator_reconciler_repairs_total{kind=\"slot\"} 2", StringComparison.Ordinal);
            },
            "the reconciler to release both slots",
            OutcomeTimeout,
            engine.Describe);
        const string Next = "payment-service";
        await PostAsync(engine, TestAlert.ServiceNotResponding(Next));
        var next = await WaitForOutcomeAsync(engine, Next);

        next.State.ShouldBe("Succeeded", next.Describe());
        Cluster.Restarts(Next).Count.ShouldBe(1, Cluster.Describe());
        Cluster.Restarts(Service).Count.ShouldBe(1, Cluster.Describe());
        (await CountAsync(store, "SELECT count(*) FROM guard_active")).ShouldBe(0);
    }

    [Fact]
    public async Task A_run_whose_steps_were_lost_before_the_first_began_is_escalated_at_the_next_start_and_nothing_is_sent_again()
    {
        var engine = await StartScenarioAsync(EngineStore.Sqlite, _restartAndWait, _inMemoryBus);
        Cluster.StallRollouts(Service);
        await PostAsync(engine, TestAlert.ServiceNotResponding(Service));
        await WaitForRunAsync(engine, Service, run => run.State == "Executing" && run.Steps.Any(step => step.Name == "restart"), "the restart's report while the rollout wait is under way");
        await engine.KillAsync();

        // As if the routing slip had died in the in-memory queues before its first step began: the
        // slip was sent (it is no longer in the outbox: a sent row no consumer acknowledges waits
        // only for the dispatcher's batched delete, which the kill may have beaten) and the step
        // journal holds no step of the attempt. The window itself (between the slip's send and its
        // first step) is too short to kill the engine in on purpose.
        await ExecuteOnStoreAsync(EngineStore.Sqlite, "DELETE FROM step_journal");
        await ExecuteOnStoreAsync(EngineStore.Sqlite, "DELETE FROM scheduled_messages WHERE claim_id IS NOT NULL AND receipts_pending = 0");
        engine = await StartEngineAsync();

        var run = await WaitForOutcomeAsync(engine, Service);
        run.State.ShouldBe("Escalated", run.Describe());
        run.Timeline.ShouldContain(entry => entry.Reason.Contains("before attempt 1's first step began", StringComparison.Ordinal), run.Describe());
        Cluster.Restarts(Service).Count.ShouldBe(1, Cluster.Describe());
        using var metrics = await engine.GetAsync("metrics");
        (await metrics.Content.ReadAsStringAsync()).ShouldContain("remediator_reconciler_repairs_total{kind=\"steps-lost\"} 1");
    }

    [Fact]
    public async Task A_run_whose_step_died_with_the_engine_is_closed_at_the_next_start_and_its_restart_not_sent_again()
    {
        var engine = await StartScenarioAsync(EngineStore.Sqlite, _restartAndWait, _inMemoryBus);
        Cluster.StallRollouts(Service);
        await PostAsync(engine, TestAlert.ServiceNotResponding(Service));
        await WaitForClusterAsync(cluster => cluster.Restarts(Service).Count == 1, "the restart to be sent", engine);
        await WaitForRunAsync(engine, Service, run => run.State == "Executing" && run.Steps.Any(step => step.Name == "restart"), "the restart's report while the rollout wait is under way");

        engine = await KillAndRestartAsync(engine);

        var run = await WaitForOutcomeAsync(engine, Service);
        run.Timeline.ShouldContain(entry => entry.Reason.Contains("the engine restarted while attempt 1 was Executing", StringComparison.Ordinal), run.Describe());
        run.Timeline.ShouldNotContain(entry => entry.Reason.Contains("did not finish within", StringComparison.Ordinal), run.Describe());
        Cluster.Restarts(Service).Count.ShouldBe(1, Cluster.Describe());
        using var metrics = await engine.GetAsync("metrics");
        (await metrics.Content.ReadAsStringAsync()).ShouldContain("remediator_reconciler_repairs_total{kind=\"interrupted\"} 1");
    }
}
