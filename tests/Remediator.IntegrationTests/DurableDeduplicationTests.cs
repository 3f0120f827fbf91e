using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// Alert de-duplication kept in the database: it holds when the engine is killed and restarted
/// (embedded SQLite), and across two engine processes sharing RabbitMQ and PostgreSQL.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class DurableDeduplicationTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task An_alert_handled_before_the_engine_was_killed_is_not_handled_again_after_its_restart()
    {
        var duplicated = TestAlert.ServiceNotResponding("payment-service");
        var first = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        await PostAsync(first, duplicated);
        await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Fingerprint == duplicated.Fingerprint, "before the restart");
        await VirtualHost.WaitUntilDrainedAsync();
        await first.DisposeAsync();

        var restarted = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        await PostAsync(restarted, duplicated);

        await ObserveEverythingCausedByAsync(restarted);
        Bus.RemediationsRequested.All.Count(r => r.Alert.Fingerprint == duplicated.Fingerprint).ShouldBe(1);
    }

    [Fact]
    public async Task Two_engines_on_one_broker_and_database_request_one_remediation_per_alert()
    {
        var database = await CreateDatabaseAsync();
        var postgres = new Dictionary<string, string>
        {
            ["Remediator:Persistence:Provider"] = "Postgres",
            ["Remediator:Persistence:ConnectionString"] = database.ConnectionString,
        };
        var engines = new[]
        {
            await StartEngineAsync(TestRules.RestartUnresponsiveService, postgres),
            await StartEngineAsync(TestRules.RestartUnresponsiveService, postgres),
        };
        var duplicated = TestAlert.ServiceNotResponding("payment-service");

        // As an Alertmanager HA pair does: each engine is sent the alert, several times, at once;
        // every copy is answered 202, and the engines' webhooks race for the one claim.
        await Task.WhenAll(engines.SelectMany(engine => Enumerable.Range(0, 3).Select(_ => PostAsync(engine, duplicated))));

        await ObserveEverythingCausedByAsync(engines[0]);
        Bus.RemediationsRequested.All.Count(r => r.Alert.Fingerprint == duplicated.Fingerprint).ShouldBe(1);
        var duplicates = 0.0;
        foreach (var engine in engines)
        {
            duplicates += await DuplicatesCountedAsync(engine);
        }

        duplicates.ShouldBe(5, "five of the six copies claimed nothing");

        // Both engines read the one saga store: one run for the target, whichever engine is asked.
        foreach (var engine in engines)
        {
            var runs = await RemediationsApi.ListAsync(engine, "deployment/fintech-services/payment-service");
            runs.Select(r => r.RuleName).ShouldBe([TestRules.RestartUnresponsiveServiceName]);
        }
    }

    private static async Task PostAsync(EngineProcess engine, TestAlert alert)
    {
        using var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([alert]));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    private static async Task<double> DuplicatesCountedAsync(EngineProcess engine)
    {
        using var response = await engine.GetAsync("metrics");
        var line = (await response.Content.ReadAsStringAsync()).Split('\n').SingleOrDefault(l => l.StartsWith("remediator_alerts_duplicates_total ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line["remediator_alerts_duplicates_total ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    // A different alert last: once its remediation is out and every queue has drained, whatever
    // the earlier deliveries caused has been observed.
    private async Task ObserveEverythingCausedByAsync(EngineProcess engine)
    {
        var later = TestAlert.ServiceNotResponding("auth-service");
        await PostAsync(engine, later);
        await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Fingerprint == later.Fingerprint, "for the later alert");
        await VirtualHost.WaitUntilDrainedAsync();
    }
}
