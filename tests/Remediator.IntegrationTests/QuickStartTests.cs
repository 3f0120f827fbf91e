using System.Net;
using System.Text.Json;
using Remediator.Contracts;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>The README's quick start, on RabbitMQ: the shipped rules and an example payload from examples/.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class QuickStartTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task The_fintech_service_down_example_restarts_auth_service_under_the_shipped_rules()
    {
        var engine = await StartEngineWithRulesAtAsync(RepositoryLayout.PathOf("rules"));
        var example = await File.ReadAllTextAsync(RepositoryLayout.PathOf("examples", "fintech-service-down.json"));

        using (var response = await engine.PostWebhookAsync(example))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            (await response.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1}""");
        }

        var requested = await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Labels["service"] == "auth-service", "for auth-service");
        requested.RuleName.ShouldBe("fintech-service-not-responding");
        requested.Target.ShouldBe(new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = "auth-service" });
        requested.Plan.Steps.Select(s => s.Action).ShouldContain("restart");

        // The run as the API shows it: the saga's state and timeline, under the requested id.
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await engine.GetAsync("api/v1/remediations?target=deployment/fintech-services/auth-service");
                using var listed = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return listed.RootElement.GetProperty("items").EnumerateArray().Any(r =>
                    r.GetProperty("id").GetGuid() == requested.RequestId
                    && r.GetProperty("ruleName").GetString() == "fintech-service-not-responding"
                    && r.GetProperty("targetKey").GetString() == "deployment/fintech-services/auth-service"
                    && !string.IsNullOrEmpty(r.GetProperty("state").GetString())
                    && r.GetProperty("timeline").GetArrayLength() > 0);
            },
            "GET /api/v1/remediations to list the remediation with its state and timeline",
            diagnostics: engine.Describe);
    }
}
