using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Intake.Reconcile;
using Remediator.Intake.Tests.Fuzzing;

namespace Remediator.Intake.Tests;

/// <summary>Who may post and what: the webhook's answers before any alert is published.</summary>
public sealed class AlertsEndpointsTests
{
    private const long MaxBodyBytes = 1024 * 1024;

    /// <summary>A caller on another machine (TEST-NET-1, documentation only): the test server carries no real address.</summary>
    private static readonly IPAddress _network = IPAddress.Parse("192.0.2.10");

    private static ByteArrayContent Body(byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType).ShouldBeTrue();
        }

        return content;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Without_credentials_a_caller_over_the_network_gets_401_naming_the_settings_and_nothing_is_published()
    {
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes, arrange: context => context.Connection.RemoteIpAddress = _network);

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var detail = (await ProblemAsync(response)).GetProperty("detail").GetString()!;
        detail.ShouldContain("Remediator:Webhook:BearerToken");
        detail.ShouldContain("Remediator:Webhook:AllowAnonymous");
        host.Publisher.Batches.ShouldBe(0);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(0, false)]
    public async Task A_notification_that_left_alerts_out_asks_for_a_reconcile_round_at_once(int truncatedAlerts, bool requested)
    {
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes, arrange: context => context.Connection.RemoteIpAddress = IPAddress.Loopback);
        var payload = Payloads.Valid();
        payload["truncatedAlerts"] = truncatedAlerts;

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(payload)));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using var stop = new CancellationTokenSource();
        var request = host.Services.GetRequiredService<AlertmanagerReconcileTrigger>().WaitAsync(stop.Token);
        request.IsCompleted.ShouldBe(requested);
        await stop.CancelAsync();
        if (!requested)
        {
            await Should.ThrowAsync<OperationCanceledException>(request);
        }
    }

    [Fact]
    public async Task Without_credentials_a_loopback_caller_is_accepted()
    {
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes, arrange: context => context.Connection.RemoteIpAddress = IPAddress.Loopback);

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task AllowAnonymous_accepts_a_caller_over_the_network()
    {
        await using var host = await IntakeHost.StartAsync(
            MaxBodyBytes,
            new Dictionary<string, string> { ["Remediator:Webhook:AllowAnonymous"] = "true" },
            context => context.Connection.RemoteIpAddress = _network);

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; version=4")]
    [InlineData("application/jsonp")]
    [InlineData(null)]
    public async Task Anything_but_JSON_gets_415_and_nothing_is_published(string? contentType)
    {
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes);

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(Payloads.Valid()), contentType));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await ProblemAsync(response)).GetProperty("detail").GetString()!.ShouldContain("application/json");
        host.Publisher.Batches.ShouldBe(0);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; Charset=\"UTF-8\"")]
    public async Task JSON_with_or_without_a_UTF8_charset_is_accepted(string contentType)
    {
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes);

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(Payloads.Valid()), contentType));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task More_alerts_than_MaxAlertsPerNotification_get_413_naming_the_setting_and_nothing_is_published()
    {
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes, new Dictionary<string, string> { ["Remediator:Webhook:MaxAlertsPerNotification"] = "3" });

        using (var atTheCap = await host.Client.PostAsync(AlertsEndpoints.Route, Body(WithAlerts(3))))
        {
            atTheCap.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        using var overTheCap = await host.Client.PostAsync(AlertsEndpoints.Route, Body(WithAlerts(4)));

        overTheCap.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var problem = await ProblemAsync(overTheCap);
        problem.GetProperty("detail").GetString()!.ShouldContain("Remediator:Webhook:MaxAlertsPerNotification (3)");
        problem.GetProperty("maxAlertsPerNotification").GetInt32().ShouldBe(3);
        host.Publisher.Batches.ShouldBe(1);
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_data_rate_gets_408_and_no_error_is_logged()
    {
        // What Kestrel throws from a body read once MinRequestBodyDataRate is breached; the test
        // server enforces no data rate.
        await using var host = await IntakeHost.StartAsync(MaxBodyBytes, arrange: context => context.Request.Body = new TimedOutBody());

        using var response = await host.Client.PostAsync(AlertsEndpoints.Route, Body(Payloads.Bytes(Payloads.Valid())));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestTimeout);
        (await ProblemAsync(response)).GetProperty("type").GetString().ShouldBe(WebhookProblems.RequestBodyTimeoutType);
        host.Errors.Entries.ShouldBeEmpty();
        host.Publisher.Batches.ShouldBe(0);
    }

    private static byte[] WithAlerts(int count)
    {
        var payload = Payloads.Valid();
        var template = payload["alerts"]![0]!;
        var alerts = new JsonArray();
        for (var index = 0; index < count; index++)
        {
            var alert = template.DeepClone();
            alert["fingerprint"] = $"{index:x16}";
            alerts.Add(alert);
        }

        payload["alerts"] = alerts;
        return Payloads.Bytes(payload);
    }

    private sealed class TimedOutBody : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw TimedOut();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(TimedOut());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static BadHttpRequestException TimedOut() =>
            new("Reading the request body timed out due to data arriving too slowly. See MinRequestBodyDataRate.", StatusCodes.Status408RequestTimeout);
    }
}
