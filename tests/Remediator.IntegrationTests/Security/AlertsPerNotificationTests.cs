using System.Net;
using System.Text.Json;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Security;

/// <summary>Remediator:Webhook:MaxAlertsPerNotification over real HTTP: one request cannot queue unbounded work.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class AlertsPerNotificationTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task A_notification_over_the_cap_gets_413_naming_the_setting_and_publishes_nothing()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService, new Dictionary<string, string> { ["Remediator:Webhook:MaxAlertsPerNotification"] = "2" });

        using (var refused = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([.. Enumerable.Range(0, 3).Select(i => TestAlert.ServiceNotResponding($"service-{i}"))])))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
            refused.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            problem.RootElement.GetProperty("detail").GetString()!.ShouldContain("Remediator:Webhook:MaxAlertsPerNotification (2)");
        }

        // Two alerts (at the cap) after the refused three: once they are through, anything of the three would have been seen.
        var atTheCap = new[] { TestAlert.ServiceNotResponding("auth-service"), TestAlert.ServiceNotResponding("payment-service") };
        using (var accepted = await engine.PostWebhookAsync(TestAlert.ToWebhookJson(atTheCap)))
        {
            accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        foreach (var alert in atTheCap)
        {
            await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Fingerprint == alert.Fingerprint, $"for {alert.Labels["service"]}");
        }

        await VirtualHost.WaitUntilDrainedAsync();
        Bus.RemediationsRequested.All.Select(r => r.Alert.Fingerprint).Order(StringComparer.Ordinal).ShouldBe(atTheCap.Select(a => a.Fingerprint).Order(StringComparer.Ordinal));
    }
}
