using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

[Collection(RealServersDefinition.Name)]
public sealed class BrokerOutageTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    /// <summary>
    /// The webhook's 202 means the alert is committed to the outbox in the engine's database, so a
    /// broker outage does not turn Alertmanager away: what it accepted goes out once the broker is back.
    /// </summary>
    [Fact]
    public async Task While_RabbitMQ_is_down_the_webhook_still_accepts_and_the_alerts_get_through_once_it_is_back()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        var alertmanager = await StartAlertmanagerAsync(engine);
        var viaAlertmanager = TestAlert.ServiceNotResponding("payment-service");
        var direct = TestAlert.ServiceNotResponding("account-service");

        await Servers.RabbitMq.StopAppAsync();
        try
        {
            using var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([direct]));
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());

            await alertmanager.PostAlertsAsync(viaAlertmanager);
            await Eventually.TrueAsync(
                async () => await alertmanager.DeliveredWebhookNotificationsAsync() > 0,
                "Alertmanager to count a delivered webhook notification while the broker is down",
                diagnostics: alertmanager.Describe);
        }
        finally
        {
            // Whatever happened above, the next test needs the broker.
            await Servers.RabbitMq.StartAppAsync();
        }

        foreach (var service in new[] { "payment-service", "account-service" })
        {
            await Bus.RemediationsRequested.WaitForAsync(
                r => r.Alert.Labels["service"] == service,
                $"for {service}'s alert, accepted while the broker was down",
                TimeSpan.FromMinutes(3));
        }
    }
}
