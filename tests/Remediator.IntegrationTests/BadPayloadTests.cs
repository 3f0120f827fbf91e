using System.Globalization;
using System.Net;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

[Collection(RealServersDefinition.Name)]
public sealed class BadPayloadTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task Every_bad_payload_gets_its_4xx_problem_over_real_HTTP_and_nothing_is_published()
    {
        var engine = await StartEngineAsync(
            TestRules.RestartUnresponsiveService,
            new Dictionary<string, string> { ["Remediator:Webhook:MaxBodyBytes"] = BadPayload.MaxBodyBytes.ToString(CultureInfo.InvariantCulture) });
        var corpus = BadPayload.LoadAll();
        corpus.ShouldNotBeEmpty();

        var wrong = new List<string>();
        foreach (var payload in corpus)
        {
            using var response = await engine.PostWebhookAsync(payload.Body, payload.Authorization(engine.Authorization));
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if ((int)response.StatusCode != payload.ExpectedStatus || mediaType != "application/problem+json")
            {
                wrong.Add($"{payload.Name}: {(int)response.StatusCode} {mediaType} {await response.Content.ReadAsStringAsync()}");
            }
        }

        wrong.ShouldBeEmpty();

        // A good alert after the bad ones: once it has come through and every queue has drained,
        // anything the bad requests had published would have been observed before it.
        var sentinel = TestAlert.ServiceNotResponding("sentinel-service");
        using (var accepted = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([sentinel])))
        {
            accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Fingerprint == sentinel.Fingerprint, "for the sentinel alert");
        await VirtualHost.WaitUntilDrainedAsync();
        Bus.RemediationsRequested.All.Select(r => r.Alert.Fingerprint).ShouldBe([sentinel.Fingerprint]);
    }
}
