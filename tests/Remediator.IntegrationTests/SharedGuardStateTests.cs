using System.Net;
using System.Text.Json;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>The guards' state in PostgreSQL is one state for every engine process on the database.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class SharedGuardStateTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    private static readonly string[] _services = ["payment-service", "auth-service", "ledger-service", "card-service"];

    // Where a run ends; without a cluster (the engine acts in dry-run) an unpaused one would succeed.
    private static readonly string[] _finalStates = ["Refused", "Succeeded", "Failed", "Escalated", "Cancelled"];

    [Fact]
    public async Task A_namespace_paused_through_one_engine_refuses_the_remediations_both_engines_run()
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

        using var paused = await engines[0].PostAsync("api/v1/namespaces/fintech-services/pause");
        using var status = await engines[1].GetAsync("api/v1/pause");
        using var pauses = JsonDocument.Parse(await status.Content.ReadAsStringAsync());

        // The sagas run on whichever engine consumes their request; each one's guards must see the pause.
        using var webhook = await engines[1].PostWebhookAsync(TestAlert.ToWebhookJson([.. _services.Select(TestAlert.ServiceNotResponding)]));

        paused.StatusCode.ShouldBe(HttpStatusCode.OK);
        pauses.RootElement.GetProperty("namespaces").TryGetProperty("fintech-services", out _).ShouldBeTrue();
        webhook.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        foreach (var service in _services)
        {
            var target = $"deployment/fintech-services/{service}";
            var run = await Eventually.ValueAsync(
                async () => (await RemediationsApi.ListAsync(engines[0], target)).FirstOrDefault(r => _finalStates.Contains(r.State)),
                $"the remediation of {target} to finish");
            run.State.ShouldBe("Refused");
        }
    }
}
