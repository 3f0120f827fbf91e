using System.Collections.Concurrent;
using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// A rolling update's SIGTERM while Alertmanager keeps posting: until the engine stops listening,
/// every notification is answered <c>202</c> (durable) or <c>503</c> with <c>Retry-After</c>
/// (Alertmanager sends it again), never anything else; after the restart every accepted alert is
/// remediated, and no restart is sent twice (docs/guarantees.md, "SIGTERM").
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class GracefulShutdownTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const int MaxAlerts = 300;

    public static TheoryData<EngineStore, string> Transports => new()
    {
        { EngineStore.Sqlite, "InMemory" },
        { EngineStore.Postgres, "RabbitMq" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Alerts_posted_through_a_SIGTERM_are_accepted_durably_or_refused_with_Retry_After(EngineStore store, string transport)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            ["Remediator:Bus:Transport"] = transport,
            ["Remediator:Shutdown:Drain"] = "00:00:03",
            // A step cut short by the stop ends at its execution deadline (the step's 1 m timeout
            // plus this grace), which must fall inside the test's wait.
            ["Remediator:Sagas:ExecutionGrace"] = "00:00:10",
            ["Remediator:Guards:MaxConcurrentRemediations"] = "1000",
            ["Remediator:Guards:Storm:Threshold"] = "100000",
        });

        var answers = new ConcurrentQueue<(string Service, HttpStatusCode Status, bool RetryAfter)>();
        using var stop = new CancellationTokenSource();
        var posting = Task.Run(async () =>
        {
            for (var i = 0; i < MaxAlerts && !stop.IsCancellationRequested; i++)
            {
                var service = $"drain-{i:D3}";
                Cluster.AddService(service);
                try
                {
                    using var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding(service)]));
                    answers.Enqueue((service, response.StatusCode, response.Headers.RetryAfter is not null));
                }
                catch (HttpRequestException)
                {
                    // The engine stopped listening: the drain is over, and Alertmanager would retry.
                    return;
                }
            }
        });

        // Some alerts before the signal, then the signal while they keep coming.
        await Eventually.TrueAsync(() => Task.FromResult(answers.Count >= 5), "the first alerts to be answered");
        var exited = await engine.TerminateAsync(TimeSpan.FromSeconds(40));
        await stop.CancelAsync();
        await posting;
        exited.ShouldBeTrue("the engine did not stop within its shutdown timeout after SIGTERM");

        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.Service).ToList();
        var refused = answers.Where(a => a.Status != HttpStatusCode.Accepted).ToList();
        Output.WriteLine($"{answers.Count} notifications answered: {accepted.Count} accepted, {refused.Count} refused while draining");
        refused.ShouldAllBe(a => a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter, "while draining the webhook answers 503 with Retry-After, nothing else");
        refused.ShouldNotBeEmpty("no notification arrived during the drain; the test saw nothing of it");

        var successor = await StartEngineAsync();
        foreach (var service in accepted)
        {
            var run = await WaitForRunAsync(successor, service, IsFinal, "a finished run for the alert accepted before the SIGTERM");
            // A restart under way when the engine stopped reports its outcome as unknown and pages
            // rather than being sent again.
            run.State.ShouldBeOneOf(["Succeeded", "Escalated"], run.Describe());
            Cluster.Restarts(service).Count.ShouldBeLessThanOrEqualTo(1, $"{service} was restarted {Cluster.Restarts(service).Count} times");
        }

        foreach (var (service, _, _) in refused)
        {
            Cluster.Restarts(service).ShouldBeEmpty($"{service}'s alert was refused, yet the engine acted on it");
        }
    }
}
