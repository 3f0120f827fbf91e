using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// The intake's back-pressure (docs/guarantees.md, "Bounded intake"): past
/// <c>Remediator:Bus:MaxBacklog</c> messages waiting to be handled, the real engine answers the
/// webhook <c>503</c> with the configured <c>Retry-After</c> instead of queueing more; every alert it
/// accepted before is still remediated, and a refused notification sent again, as Alertmanager
/// does, is remediated too. Nothing about how fast: the backlog is made to pass its limit by
/// notifications larger than the limit, sent one after the other.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class WebhookBackPressureTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const int MaxBacklog = 10;

    // Each notification alone fills the backlog past its limit until the engine has handled most of it.
    private const int AlertsPerNotification = 3 * MaxBacklog;

    // Bounds the test if the engine never refused: it fails then, saying so.
    private const int MaxNotifications = 10;

    private static readonly TimeSpan _retryAfter = TimeSpan.FromSeconds(7);

    // The embedded default only: there the backlog is the outbox's rows held until handled. On
    // RabbitMQ a row leaves the outbox once the broker confirmed it, within milliseconds, so whether
    // a notification meets 10 unsent rows is a race, not behaviour a test can hold (it failed so on
    // a quiet machine); the broker's queue absorbs the rest there (docs/guarantees.md).
    public static TheoryData<EngineStore, string> Transports => new()
    {
        { EngineStore.Sqlite, "InMemory" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Past_the_backlog_limit_the_webhook_answers_503_with_Retry_After_and_loses_no_accepted_alert(EngineStore store, string transport)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartOnly, new Dictionary<string, string>
        {
            ["Remediator:Bus:Transport"] = transport,
            ["Remediator:Bus:MaxBacklog"] = MaxBacklog.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Remediator:Webhook:RetryAfter"] = _retryAfter.ToString(),
            // Every alert names its own Deployment: neither the storm brake nor the slot limit may
            // refuse what the test counts on being remediated.
            ["Remediator:Guards:MaxConcurrentRemediations"] = "1000",
            ["Remediator:Guards:Storm:Threshold"] = "100000",
        });

        var accepted = new List<string>();
        var refused = new List<IReadOnlyList<TestAlert>>();
        for (var notification = 0; notification < MaxNotifications && refused.Count == 0; notification++)
        {
            var services = Enumerable.Range(0, AlertsPerNotification).Select(i => $"bp-{notification:D2}-{i:D2}").ToList();
            services.ForEach(Cluster.AddService);
            var alerts = services.Select(TestAlert.ServiceNotResponding).ToList();
            using var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson(alerts));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.AddRange(services);
                continue;
            }

            var problem = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, problem);
            problem.ShouldContain("urn:remediator:problem:backlog-full", customMessage: "back-pressure is told apart from a broken bus");
            response.Headers.RetryAfter?.Delta.ShouldBe(_retryAfter, "the 503 tells Alertmanager when to come back (Remediator:Webhook:RetryAfter)");
            refused.Add(alerts);
        }

        Output.WriteLine($"{accepted.Count} alerts accepted before the backlog passed {MaxBacklog}; {refused.Count} notification refused");
        accepted.ShouldNotBeEmpty("the first notification meets an empty backlog and must be accepted");
        refused.ShouldNotBeEmpty($"{MaxNotifications} notifications of {AlertsPerNotification} alerts never found {MaxBacklog} messages waiting");

        // Alertmanager sends a refused notification again until it is accepted.
        foreach (var alerts in refused)
        {
            await PostUntilAcceptedAsync(engine, [.. alerts]);
        }

        foreach (var service in accepted.Concat(refused.SelectMany(alerts => alerts.Select(alert => alert.Labels["service"]))))
        {
            var run = await WaitForOutcomeAsync(engine, service);
            run.State.ShouldBe("Succeeded", run.Describe());
            Cluster.Restarts(service).Count.ShouldBe(1, $"{service} was restarted {Cluster.Restarts(service).Count} times");
        }
    }
}
