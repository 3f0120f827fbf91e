using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Intake.Tests;
using Remediator.Security;

namespace Remediator.Tests;

/// <summary>/metrics, /healthz, /readyz, and the API's token, limits and problem answers.</summary>
public sealed class OperationsEndpointsTests : IDisposable
{
    private readonly RemediatorFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Mutating_endpoints_need_the_token_and_say_how_to_send_it()
    {
        using var anonymous = _factory.CreateClient();
        using var wrong = _factory.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token-at-all-0000");
        using var authorized = _factory.CreateApiClient();

        using var missing = await anonymous.PostAsync("/api/v1/pause", content: null);
        using var invalid = await wrong.PostAsync("/api/v1/rules/reload", content: null);
        using var cancel = await anonymous.PostAsync($"/api/v1/remediations/{Guid.NewGuid()}/cancel", content: null);
        using var read = await anonymous.GetAsync("/api/v1/pause");
        using var accepted = await authorized.PostAsync("/api/v1/pause", content: null);

        foreach (var refused in new[] { missing, invalid, cancel })
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            refused.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer realm=\"remediator\"");
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().ShouldBe(ApiTokenFilter.UnauthorizedType);
        }

        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Any_of_several_configured_tokens_is_accepted()
    {
        _factory.Settings["Remediator:Api:BearerTokens:0"] = "second-token-0123456789abcdef";
        var file = Path.Combine(_factory.StatePath, "tokens");
        await File.WriteAllLinesAsync(file, ["# rotated 2026-11", "third-token-0123456789abcdef"]);
        _factory.Settings["Remediator:Api:BearerTokenFile"] = file;

        foreach (var token in new[] { RemediatorFactory.ApiToken, "second-token-0123456789abcdef", "third-token-0123456789abcdef" })
        {
            using var client = _factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.PostAsync("/api/v1/namespaces/shop/pause", content: null);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Reads_can_be_closed_while_probes_and_metrics_stay_open()
    {
        _factory.Settings["Remediator:Api:RequireAuthForReads"] = "true";
        using var anonymous = _factory.CreateClient();
        using var authorized = _factory.CreateApiClient();

        using var closed = await anonymous.GetAsync("/api/v1/remediations");
        using var open = await authorized.GetAsync("/api/v1/remediations");
        using var health = await anonymous.GetAsync("/healthz");
        using var ready = await anonymous.GetAsync("/readyz");
        using var metrics = await anonymous.GetAsync("/metrics");

        closed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        open.StatusCode.ShouldBe(HttpStatusCode.OK);
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        metrics.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_token_or_its_generation_mutating_endpoints_answer_503_saying_how_to_configure_one()
    {
        _factory.Settings["Remediator:Api:BearerToken"] = string.Empty;
        _factory.Settings["Remediator:Api:GenerateToken"] = "false";
        using var client = _factory.CreateClient();

        using var response = await client.DeleteAsync("/api/v1/pause");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().ShouldBe(ApiTokenFilter.NotConfiguredType);
        problem.GetProperty("detail").GetString()!.ShouldContain("Remediator:Api:BearerToken");
    }

    [Fact]
    public async Task Without_a_token_one_is_generated_owner_only_and_reused_at_the_next_start()
    {
        var path = Path.Combine(_factory.StatePath, "data", "api-token");
        _factory.Settings["Remediator:Api:BearerToken"] = string.Empty;
        _factory.Settings["Remediator:Api:GeneratedTokenPath"] = path;
        using var client = _factory.CreateClient();

        var token = (await File.ReadAllTextAsync(path)).Trim();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsync("/api/v1/pause", content: null);

        token.Length.ShouldBe(64);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        using var restarted = new RemediatorFactory();
        restarted.Settings["Remediator:Api:BearerToken"] = string.Empty;
        restarted.Settings["Remediator:Api:GeneratedTokenPath"] = path;
        using var again = restarted.CreateClient();
        again.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var stillAccepted = await again.PostAsync("/api/v1/namespaces/shop/pause", content: null);
        stillAccepted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void Every_api_endpoint_carries_the_body_limit()
    {
        // The test server does not enforce Kestrel's limit; the metadata is what Kestrel reads per request.
        _factory.Settings["Remediator:Api:MaxRequestBodyBytes"] = "1024";
        using var client = _factory.CreateClient();

        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal) && endpoint.RoutePattern.RawText != "/api/v1/alerts")
            .ToList();

        endpoints.Count.ShouldBeGreaterThan(8);
        endpoints.ShouldAllBe(endpoint => endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()!.MaxRequestBodySize == 1024);
    }

    [Fact]
    public async Task Every_request_has_the_configured_timeout_answered_as_problem_json()
    {
        _factory.Settings["Remediator:Api:RequestTimeout"] = "00:00:07";
        using var client = _factory.CreateClient();

        var policy = _factory.Services.GetRequiredService<IOptions<RequestTimeoutOptions>>().Value.DefaultPolicy;
        var context = new DefaultHttpContext { RequestServices = _factory.Services };
        context.Response.Body = new MemoryStream();
        await policy!.WriteTimeoutResponse!(context);

        policy.Timeout.ShouldBe(TimeSpan.FromSeconds(7));
        policy.TimeoutStatusCode.ShouldBe(StatusCodes.Status504GatewayTimeout);
        context.Response.ContentType.ShouldBe("application/problem+json");
        context.Response.Body.Position = 0;
        (await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body)).GetProperty("type").GetString().ShouldBe(ApiSecurityExtensions.RequestTimeoutType);
    }

    [Fact]
    public async Task Liveness_is_cheap_and_readiness_lists_bus_store_rules_kubernetes_and_reconciling()
    {
        using var client = _factory.CreateClient();

        var live = await client.GetFromJsonAsync<JsonElement>("/healthz");
        using var readyResponse = await client.GetAsync("/readyz");
        var ready = await readyResponse.Content.ReadFromJsonAsync<JsonElement>();

        live.GetProperty("status").GetString().ShouldBe("Healthy");
        live.GetProperty("checks").GetArrayLength().ShouldBe(0);
        readyResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var checks = ready.GetProperty("checks").EnumerateArray().ToDictionary(check => check.GetProperty("name").GetString()!, check => check.GetProperty("status").GetString());
        checks.Keys.ShouldBe(["alertmanager-reconcile", "draining", "escalation", "kubernetes", "masstransit-bus", "rules", "store"], ignoreOrder: true);
        checks.Values.ShouldAllBe(status => status == "Healthy");
        ready.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("name").GetString() == "kubernetes")
            .GetProperty("description").GetString().ShouldStartWith("No cluster: dry-run");
        ready.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("name").GetString() == "alertmanager-reconcile")
            .GetProperty("description").GetString().ShouldStartWith("off: no Alertmanager");
    }

    [Fact]
    public async Task Metrics_are_in_the_text_format_with_the_engines_instruments()
    {
        using var client = _factory.CreateClient();
        using var posted = await client.PostAsync("/api/v1/alerts", new ByteArrayContent(Payloads.Bytes(Payloads.Valid())) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var harness = _factory.Services.GetRequiredService<ITestHarness>();
        (await harness.ConsumedAsync<RemediationRequested>()).ShouldBeTrue();
        (await harness.ConsumedAsync<RemediationSucceeded>()).ShouldBeTrue();

        // The test harness's bus has no transactional outbox, so the event can be handled before the
        // saga's row commits: the state gauge, read from the table, is polled until it shows the end.
        const string succeeded = "remediator_remediations{rule=\"restart-fintech-service\",state=\"Succeeded\"} 1\n";
        using (var deadline = new CancellationTokenSource(harness.TestTimeout))
        {
            while (!(await client.GetStringAsync("/metrics", deadline.Token)).Contains(succeeded, StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }

        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        text.ShouldContain("# TYPE remediator_webhook_notifications_total counter\n");
        text.ShouldContain("remediator_webhook_notifications_total{outcome=\"accepted\"} 1\n");
        text.ShouldContain("remediator_remediations_requested_total{rule=\"restart-fintech-service\"} 1\n");
        text.ShouldContain("remediator_remediations_finished_total{kind=\"deployment\",outcome=\"succeeded\",rule=\"restart-fintech-service\"} 1\n");
        text.ShouldContain("# TYPE remediator_remediation_step_duration_seconds histogram\n");
        text.ShouldContain("remediator_remediation_step_duration_seconds_count{action=\"restart\",phase=\"execute\",status=\"DryRun\"} 1\n");
        text.ShouldContain(succeeded);
        text.ShouldContain("remediator_rules_loaded 1\n");
        text.ShouldContain("remediator_rules_last_reload_success 1\n");
        text.ShouldContain("# TYPE remediator_rules_last_reload_timestamp_seconds gauge\n");

        // MassTransit's meter belongs to the first host of the process: Remediator.Observability.Tests checks it.
    }
}
