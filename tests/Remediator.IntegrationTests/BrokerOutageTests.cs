using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

[Collection(RealServersDefinition.Name)]
public sealed class BrokerOutageTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task While_RabbitMQ_is_down_the_webhook_answers_503_and_Alertmanager_retries_until_the_alert_gets_through()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        var alertmanager = await StartAlertmanagerAsync(engine);
        var retried = TestAlert.ServiceNotResponding("payment-service");

        await Servers.RabbitMq.StopAppAsync();
        try
        {
            using var direct = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("account-service")]));
            direct.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await direct.Content.ReadAsStringAsync());
            direct.Headers.RetryAfter.ShouldNotBeNull();

            // Alertmanager's own attempt fails the same way, which is what makes it retry.
            await alertmanager.PostAlertsAsync(retried);
            await Eventually.TrueAsync(
                async () => await alertmanager.FailedWebhookNotificationsAsync() > 0,
                "Alertmanager to count a failed webhook notification",
                diagnostics: alertmanager.Describe);
        }
        finally
        {
            // Whatever happened above, the next test needs the broker.
            await Servers.RabbitMq.StartAppAsync();
        }

        var received = await Bus.AlertsReceived.WaitForAsync(
            a => a.Labels["service"] == "payment-service",
            "for payment-service, delivered by Alertmanager's retry",
            TimeSpan.FromMinutes(3));
        await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Fingerprint == received.Fingerprint, "for payment-service's alert");
    }
}
