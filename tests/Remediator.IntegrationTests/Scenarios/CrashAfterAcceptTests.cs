using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// The engine SIGKILLed a random 0-300 ms after each 202, then restarted on the same database: every
/// accepted alert must still be remediated, every run must end (none left waiting without a timer)
/// and no restart may be sent twice. The seed is printed, so a failing trial can be replayed.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class CrashAfterAcceptTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const int Seed = 20261207;

    private static readonly HashSet<string> _finished = ["Succeeded", "Escalated", "Failed", "Cancelled"];

    public static TheoryData<EngineStore, string> Transports => new()
    {
        { EngineStore.Sqlite, "InMemory" },
        { EngineStore.Postgres, "RabbitMq" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Every_alert_accepted_before_a_kill_is_remediated_once_after_the_restart(EngineStore store, string transport)
    {
        var random = new Random(Seed);
        Output.WriteLine($"seed {Seed}, {store} with the {transport} transport");
        // A step lost with the in-memory queues ends at the execution deadline (the step's 1 m timeout
        // plus this grace), which must fall inside the scenario's wait.
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            ["Remediator:Bus:Transport"] = transport,
            ["Remediator:Sagas:ExecutionGrace"] = "00:00:10",

            // Runs whose step died with the in-memory queues hold their slot until that deadline;
            // the scenario is about losing nothing, not about the concurrency guard refusing the rest.
            ["Remediator:Guards:MaxConcurrentRemediations"] = "10",
        });
        foreach (var service in SimulatedCluster.FintechServices)
        {
            await PostAsync(engine, TestAlert.ServiceNotResponding(service));
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 300));
            Output.WriteLine($"{service}: accepted; killing the engine {delay.TotalMilliseconds} ms later");
            await Task.Delay(delay);
            engine = await KillAndRestartAsync(engine);
        }

        foreach (var service in SimulatedCluster.FintechServices)
        {
            var run = await WaitForRunAsync(engine, service, run => _finished.Contains(run.State), "a finished run for the alert accepted before the kill");
            Output.WriteLine($"{service}: {run.State} ({run.Outcome})");
            Cluster.Restarts(service).Count.ShouldBeLessThanOrEqualTo(1, $"{service} was restarted more than once");
        }
    }
}
