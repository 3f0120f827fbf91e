using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Tests;

/// <summary>Issue 13: a channel sends only to an absolute http(s) URL without credentials, checked at load and, for values from secrets, when sent.</summary>
public sealed class ChannelUrlTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    [Fact]
    public void Lint_rejects_a_url_override_with_credentials_or_another_scheme()
    {
        var result = EscalationPolicyLoader.Parse("rules/escalation.yaml", """
            channels:
              - { name: pd, type: pagerduty, routing-key: { secret: pd-key }, url: "https://user:pw@events.example/v2/enqueue" }
              - { name: og, type: opsgenie, api-key: { secret: og-key }, url: "file:///etc/passwd" }
            """);

        result.Diagnostics.Select(d => d.ToString()).ShouldBe(
        [
            "rules/escalation.yaml:2:72: error: 'url' must be an absolute http(s) URL without credentials, found 'https://user:pw@events.example/v2/enqueue'",
            "rules/escalation.yaml:3:67: error: 'url' must be an absolute http(s) URL without credentials, found 'file:///etc/passwd'",
        ]);
    }

    [Fact]
    public async Task A_secret_that_is_not_a_usable_url_fails_the_delivery_without_showing_it()
    {
        // hook-key holds a signing key, not a URL.
        var channel = fixture.Slack with { Secrets = new Dictionary<string, string> { ["webhook-url"] = "hook-key" } };
        var before = fixture.Http.Requests.Count;

        var result = await fixture.Channel(ChannelType.Slack).SendAsync(Samples.Delivery(channel, DeliveryKind.Trigger), CancellationToken.None);

        result.Succeeded.ShouldBeFalse();
        result.Detail.ShouldBe("channel 'slack' setting 'webhook-url' is not an absolute http(s) URL without credentials");
        result.Detail.ShouldNotContain(ChannelFixture.SigningKey);
        fixture.Http.Requests.Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_url_override_with_credentials_is_refused_when_sent()
    {
        var channel = fixture.PagerDuty with { Settings = new Dictionary<string, string> { ["url"] = "http://user:pw@127.0.0.1:1/x" } };

        var result = await fixture.Channel(ChannelType.PagerDuty).SendAsync(Samples.Delivery(channel, DeliveryKind.Trigger), CancellationToken.None);

        result.Detail.ShouldBe("channel 'pagerduty' setting 'url' is not an absolute http(s) URL without credentials");
    }
}
