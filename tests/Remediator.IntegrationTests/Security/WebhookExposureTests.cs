using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Security;

/// <summary>
/// Who can reach the webhook of a real engine process. All traffic stays on loopback, so a caller
/// on another machine is covered by the unit tests of the decision (WebhookAuthenticatorTests,
/// AlertsEndpointsTests); here: the quick start keeps working without credentials, a browser's
/// cross-origin kinds of body are refused, an open webhook is announced, hosts can be filtered.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class WebhookExposureTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    /// <summary>The engine's configuration with no webhook credentials, as the README's quick start runs it.</summary>
    private static readonly Dictionary<string, string> _noWebhookCredentials = new() { ["Remediator:Webhook:BearerToken"] = string.Empty };

    [Fact]
    public async Task Without_credentials_the_quick_starts_post_from_loopback_is_accepted_and_a_plain_text_one_gets_415()
    {
        var engine = await StartEngineWithRulesAtAsync(RepositoryLayout.PathOf("rules"), _noWebhookCredentials);
        var example = await File.ReadAllBytesAsync(RepositoryLayout.PathOf("examples", "fintech-service-down.json"));
        using var http = new HttpClient();

        // What a web page can send without a CORS preflight: refused before the body is read.
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded" })
        {
            using var content = new ByteArrayContent(example);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            using var refused = await http.PostAsync(engine.WebhookUrl, content);
            refused.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, contentType);
            refused.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        // The README's curl: Content-Type application/json, no Authorization, to 127.0.0.1.
        using var accepted = await engine.PostWebhookAsync(example, authorization: null);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await accepted.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1}""");

        // Only the accepted post published anything: it came last, so the refused ones would show up before it.
        await Bus.RemediationsRequested.WaitForAsync(r => r.Alert.Labels["service"] == "auth-service", "for auth-service");
        await VirtualHost.WaitUntilDrainedAsync();
        Bus.RemediationsRequested.All.Count.ShouldBe(1);
        engine.Describe().ShouldContain("only loopback callers are accepted");
    }

    [Fact]
    public async Task AllowAnonymous_is_warned_about_when_the_engine_starts()
    {
        var engine = await StartEngineAsync(
            TestRules.RestartUnresponsiveService,
            new Dictionary<string, string>(_noWebhookCredentials) { ["Remediator:Webhook:AllowAnonymous"] = "true" });

        using var accepted = await engine.PostWebhookAsync(Encoding.UTF8.GetBytes(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("auth-service")])), authorization: null);

        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        engine.Describe().ShouldContain("Remediator:Webhook:AllowAnonymous is true, so ANY caller");
    }

    [Fact]
    public async Task AllowAnonymous_together_with_credentials_refuses_to_start()
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => StartEngineAsync(
            TestRules.RestartUnresponsiveService,
            new Dictionary<string, string> { ["Remediator:Webhook:AllowAnonymous"] = "true" }));

        failure.Message.ShouldContain("Remediator:Webhook:AllowAnonymous cannot be true while BearerToken or BasicAuth is set");
    }

    [Fact]
    public async Task AllowedHosts_refuses_requests_for_other_host_names()
    {
        // The names the engine is reached by: its address (the readiness probe uses it) and a DNS
        // name. A page on a rebinding domain sends its own name and is refused.
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService, new Dictionary<string, string> { ["AllowedHosts"] = "127.0.0.1;remediator.example" });
        using var http = new HttpClient();

        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri(engine.BaseUrl, "healthz")) { Headers = { Host = "attacker.example" } };
        using var refused = await http.SendAsync(rebound);
        using var named = new HttpRequestMessage(HttpMethod.Get, new Uri(engine.BaseUrl, "healthz")) { Headers = { Host = "remediator.example" } };
        using var answered = await http.SendAsync(named);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        answered.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
