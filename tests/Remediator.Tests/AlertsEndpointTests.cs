using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Contracts;
using Remediator.Engine.Tests;
using Remediator.Intake;
using Remediator.Intake.Tests;

namespace Remediator.Tests;

public sealed class AlertsEndpointTests : IDisposable
{
    private readonly RemediatorFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonElement>())!;
    }

    [Fact]
    public async Task A_valid_notification_is_accepted_once_its_requests_are_in_the_outbox_and_they_then_reach_the_saga()
    {
        using var client = _factory.CreateClient();

        using var response = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().ShouldBe(2);
        var harness = _factory.Services.GetRequiredService<ITestHarness>();
        (await harness.Consumed.Any<RemediationRequested>(message => message.Context.Message.Alert.Fingerprint == Payloads.Fingerprint)).ShouldBeTrue();
        harness.Published.Select<AlertReceived>().ShouldBeEmpty("the alert travels inside the request: no AlertReceived goes on the bus");
    }

    [Fact]
    public async Task A_matching_alert_shows_up_as_a_remediation()
    {
        using var client = _factory.CreateClient();

        using var response = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var harness = _factory.Services.GetRequiredService<ITestHarness>();
        (await harness.Consumed.Any<RemediationRequested>()).ShouldBeTrue();
        var remediations = (await client.GetFromJsonAsync<JsonElement>("/api/v1/remediations")).GetProperty("items");
        remediations.GetArrayLength().ShouldBe(1);
        remediations[0].GetProperty("ruleName").GetString().ShouldBe("restart-fintech-service");
        remediations[0].GetProperty("target").GetProperty("kind").GetString().ShouldBe("deployment");
        remediations[0].GetProperty("target").GetProperty("name").GetString().ShouldBe("auth-service");
        remediations[0].GetProperty("fingerprints").EnumerateArray().Select(f => f.GetString()).ShouldContain(Payloads.Fingerprint);
        remediations[0].GetProperty("timeline").GetArrayLength().ShouldBeGreaterThan(0);

        // The run's detail, with the plan's restart among its steps once it ran.
        var id = remediations[0].GetProperty("id").GetGuid();
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/v1/remediations/{id}");
        detail.GetProperty("targetKey").GetString().ShouldBe("deployment/fintech-services/auth-service");
    }

    [Theory]
    [MemberData(nameof(Payloads.BadPayloads), MemberType = typeof(Payloads))]
    public async Task A_bad_payload_is_rejected_naming_the_field_and_nothing_is_published(string name, string expectedField)
    {
        using var client = _factory.CreateClient();

        using var response = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bad(name)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ProblemAsync(response);
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.GetProperty("type").GetString().ShouldBe("urn:remediator:problem:invalid-alert-payload");
        problem.GetProperty("field").GetString().ShouldBe(expectedField);
        problem.GetProperty("errors").TryGetProperty(expectedField, out _).ShouldBeTrue();
        problem.GetProperty("detail").GetString().ShouldStartWith(expectedField);
        _factory.Published.ShouldBeEmpty();
    }

    [Fact]
    public async Task Missing_or_wrong_bearer_tokens_get_401_with_a_challenge()
    {
        _factory.Settings["Remediator:Webhook:BearerToken"] = "s3cret";
        using var client = _factory.CreateClient();

        using var missing = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bytes(Payloads.Valid())));
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = Json(Payloads.Bytes(Payloads.Valid())) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        using var wrongResponse = await client.SendAsync(wrong);

        foreach (var response in new[] { missing, wrongResponse })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
            (await ProblemAsync(response)).GetProperty("status").GetInt32().ShouldBe(401);
        }

        _factory.Published.ShouldBeEmpty();

        using var right = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = Json(Payloads.Bytes(Payloads.Valid())) };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        using var rightResponse = await client.SendAsync(right);
        rightResponse.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Basic_credentials_are_challenged_with_the_realm()
    {
        _factory.Settings["Remediator:Webhook:BasicAuth:Username"] = "alertmanager";
        _factory.Settings["Remediator:Webhook:BasicAuth:Password"] = "pw";
        using var client = _factory.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = Json(Payloads.Bytes(Payloads.Valid())) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alertmanager:wrong")));
        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Basic realm=\"remediator\"");
        _factory.Published.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_body_declared_too_large_gets_413()
    {
        _factory.Settings["Remediator:Webhook:MaxBodyBytes"] = "512";
        using var client = _factory.CreateClient();

        using var response = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ProblemAsync(response)).GetProperty("maxBodyBytes").GetInt64().ShouldBe(512);
        _factory.Published.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_chunked_body_that_grows_too_large_gets_413()
    {
        _factory.Settings["Remediator:Webhook:MaxBodyBytes"] = "512";
        using var client = _factory.CreateClient();
        using var content = new StreamContent(new UnknownLengthStream(Payloads.Bytes(Payloads.Valid())));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/api/v1/alerts", content);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        _factory.Published.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_chunked_body_within_the_limit_is_accepted()
    {
        using var client = _factory.CreateClient();
        using var content = new StreamContent(new UnknownLengthStream(Payloads.Bytes(Payloads.Valid())));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/api/v1/alerts", content);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Alerts_that_cannot_be_stored_get_503_with_retry_after()
    {
        _factory.ConfigureServices = services => services.AddScoped<IAlertPublisher, UnavailablePublisher>();
        using var client = _factory.CreateClient();

        using var response = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(30));
        (await ProblemAsync(response)).GetProperty("type").GetString().ShouldBe("urn:remediator:problem:bus-unavailable");
    }

    [Fact]
    public async Task Webhook_outcomes_are_counted_on_the_Remediator_meter()
    {
        using var client = _factory.CreateClient();
        var meterFactory = _factory.Services.GetRequiredService<IMeterFactory>();
        var outcomes = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                // Only this host's meter: other tests' hosts count on meters of their own.
                if (instrument.Meter.Scope == meterFactory && instrument.Name == "remediator.webhook.notifications")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (outcomes)
            {
                outcomes.Add((string)tags[0].Value!);
            }
        });
        listener.Start();

        using var bad = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bad("missing labels")));
        using var good = await client.PostAsync("/api/v1/alerts", Json(Payloads.Bytes(Payloads.Valid())));

        outcomes.ShouldBe(["invalid", "accepted"]);
    }

    /// <summary>A body whose length HttpClient cannot know, so it is sent chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    private sealed class UnavailablePublisher : IAlertPublisher
    {
        public Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken) =>
            throw new AlertPublishException("The database is unavailable.", new InvalidOperationException("closed"));
    }
}
