using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

[Collection(RealServersDefinition.Name)]
public sealed class DuplicateDeliveryTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task The_same_alert_delivered_three_times_requests_exactly_one_remediation()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        var duplicated = TestAlert.ServiceNotResponding("payment-service");
        var notification = TestAlert.ToWebhookJson([duplicated]);

        // As Alertmanager does on retries, repeat_interval and from an HA pair: byte-for-byte the same alert.
        for (var delivery = 0; delivery < 3; delivery++)
        {
            using var response = await engine.PostWebhookAsync(notification);
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        // A different alert after the three; once its remediation is out and every queue has
        // drained, whatever the three deliveries caused has been observed.
        var later = TestAlert.ServiceNotResponding("auth-service");
        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([later])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Fingerprint == later.Fingerprint, "for the later alert");
        await VirtualHost.WaitUntilDrainedAsync();
        Bus.RemediationsRequested.All.Count(r => r.Alert.Fingerprint == duplicated.Fingerprint).ShouldBe(1);

        // And the API shows one run for the target, under the rule that matched.
        var runs = await RemediationsApi.ListAsync(engine, "deployment/fintech-services/payment-service");
        runs.Select(r => r.RuleName).ShouldBe([TestRules.RestartUnresponsiveServiceName]);
    }
}
