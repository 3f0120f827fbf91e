using System.Text.Json;
using Remediator.Contracts;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

[Collection(RealServersDefinition.Name)]
public sealed class AlertmanagerWebhookTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task Alerts_posted_to_Alertmanager_reach_RabbitMQ_and_request_a_remediation_of_each_labelled_service()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        var alertmanager = await StartAlertmanagerAsync(engine);

        await alertmanager.PostAlertsAsync(TestAlert.ServiceNotResponding("payment-service"), TestAlert.ServiceNotResponding("auth-service"));

        foreach (var service in new[] { "payment-service", "auth-service" })
        {
            // The alert travels inside the request it caused.
            var requested = await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Labels["service"] == service, $"for {service}'s alert");
            var received = requested.Alert;
            received.Status.ShouldBe(AlertStatus.Firing);
            received.Receiver.ShouldBe(AlertmanagerInstance.ReceiverName);
            received.Labels["alertname"].ShouldBe("ServiceNotResponding");
            received.EndsAt.ShouldBeNull();
            requested.RuleName.ShouldBe(TestRules.RestartUnresponsiveServiceName);
            requested.Target.ShouldBe(new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = service });
            requested.Plan.Steps.Select(s => s.Action).ShouldBe(["restart"]);
        }

        // The on-call engineer's view: GET /api/v1/remediations lists both, one run per service.
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await engine.GetAsync("api/v1/remediations");
                var listed = JsonSerializer.Deserialize<ListedPage>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web)?.Items ?? [];
                var runs = listed.Where(r => r.RuleName == TestRules.RestartUnresponsiveServiceName).Select(r => r.TargetKey).Order(StringComparer.Ordinal).ToList();
                return runs.SequenceEqual(["deployment/fintech-services/auth-service", "deployment/fintech-services/payment-service"]);
            },
            "GET /api/v1/remediations to list both remediations",
            diagnostics: engine.Describe);
    }

    private sealed record ListedPage(List<ListedRemediation> Items);

    private sealed record ListedRemediation(string RuleName, string TargetKey);
}
