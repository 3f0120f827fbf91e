using System.Net;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Tests.Shared;

namespace Remediator.Escalation.Tests;

/// <summary>The delivery pipelines: 429 (honouring Retry-After), 408 and 5xx are retried with the same dedup key; other 4xx never.</summary>
public sealed class DeliveryRetryTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private ChannelDefinition PagerDutyAt(string path) =>
        fixture.PagerDuty with { Settings = new Dictionary<string, string> { ["url"] = fixture.Http.Url(path).ToString() } };

    private Task<DeliveryResult> TriggerAsync(ChannelDefinition channel) =>
        fixture.Channel(channel.Type).SendAsync(Samples.Delivery(channel, DeliveryKind.Trigger), CancellationToken.None);

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_with_the_same_dedup_key()
    {
        fixture.Http.Respond("/retry/429", 429, retryAfter: "1");

        var result = await TriggerAsync(PagerDutyAt("/retry/429"));

        result.Succeeded.ShouldBeTrue(result.Detail);
        result.Attempts.ShouldBe(2);
        var requests = fixture.Http.To("/retry/429");
        requests.Count.ShouldBe(2);
        requests[1].Text.ShouldBe(requests[0].Text);
        requests[1].Json["dedup_key"]!.GetValue<string>().ShouldBe("remediator-0f8fad5b-d9cb-469f-a165-70867728950e");
    }

    [Fact]
    public async Task Server_errors_are_retried_until_one_succeeds()
    {
        fixture.Http.Respond("/retry/5xx", 503);
        fixture.Http.Respond("/retry/5xx", 502);

        var result = await TriggerAsync(PagerDutyAt("/retry/5xx"));

        result.Succeeded.ShouldBeTrue(result.Detail);
        result.Attempts.ShouldBe(3);
        fixture.Http.To("/retry/5xx").Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_400_is_never_retried()
    {
        fixture.Http.Respond("/retry/400", 400);

        var result = await TriggerAsync(PagerDutyAt("/retry/400"));

        result.Succeeded.ShouldBeFalse();
        result.Detail.ShouldBe("HTTP 400 Bad Request after 1 attempt");
        fixture.Http.To("/retry/400").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_channel_that_keeps_failing_gives_up_after_the_retries()
    {
        fixture.Http.AlwaysRespond("/retry/dead", 500);

        var result = await TriggerAsync(PagerDutyAt("/retry/dead"));

        result.Succeeded.ShouldBeFalse();
        result.Attempts.ShouldBe(4);
        fixture.Http.To("/retry/dead").Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_limit_fails_now_instead_of_stalling_the_tier()
    {
        fixture.Http.Respond("/retry/slow-down", 429, retryAfter: "3600");

        var result = await TriggerAsync(PagerDutyAt("/retry/slow-down"));

        result.Succeeded.ShouldBeFalse();
        result.Detail.ShouldBe("HTTP 429 Too Many Requests after 1 attempt");
    }

    [Fact]
    public async Task Failures_never_name_the_secret_webhook_url()
    {
        // A closed port behind a secret URL: the detail says what failed, not where.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var channel = fixture.Slack with { Secrets = new Dictionary<string, string> { ["webhook-url"] = "missing-secret" } };

        var missing = await fixture.Channel(ChannelType.Slack).SendAsync(Samples.Delivery(channel, DeliveryKind.Trigger), CancellationToken.None);

        missing.Succeeded.ShouldBeFalse();
        missing.Detail.ShouldBe("secret 'missing-secret' is not set (Remediator:Escalation:Secrets:missing-secret, environment variable REMEDIATOR_SECRET_MISSING_SECRET or the secrets directory)");
        var unreachable = fixture.PagerDuty with { Settings = new Dictionary<string, string> { ["url"] = $"http://127.0.0.1:{port}/secret-path-XXXX" } };
        var failed = await TriggerAsync(unreachable);
        failed.Succeeded.ShouldBeFalse();
        failed.Detail.ShouldNotContain("XXXX");
        failed.Detail.ShouldNotContain(ChannelFixture.RoutingKey);
    }

    [Fact]
    public async Task Smtp_transient_replies_are_retried_and_permanent_ones_are_not()
    {
        var before = fixture.Smtp.Mails.Count;
        fixture.Smtp.RejectNext("451 4.3.0 try again later");

        var transient = await fixture.Channel(ChannelType.Email).SendAsync(Samples.Delivery(fixture.Email, DeliveryKind.Trigger), CancellationToken.None);

        transient.Succeeded.ShouldBeTrue(transient.Detail);
        transient.Attempts.ShouldBe(2);
        await fixture.Smtp.WaitForAsync(before + 1);

        fixture.Smtp.RejectNext("550 5.1.1 mailbox unavailable");
        var permanent = await fixture.Channel(ChannelType.Email).SendAsync(Samples.Delivery(fixture.Email, DeliveryKind.Resolve), CancellationToken.None);

        permanent.Succeeded.ShouldBeFalse();
        permanent.Attempts.ShouldBe(1);
        fixture.Smtp.Mails.Count.ShouldBe(before + 1);
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_as_a_date()
    {
        var clock = TestClock.Create();
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { { "Retry-After", "7" } } };
        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(30));
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        DeliveryPipelines.RetryAfter(seconds, clock).ShouldBe(TimeSpan.FromSeconds(7));
        DeliveryPipelines.RetryAfter(date, clock).ShouldBe(TimeSpan.FromSeconds(30));
        DeliveryPipelines.RetryAfter(none, clock).ShouldBeNull();
    }
}
