using System.Security.Cryptography;
using System.Text;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using static Remediator.Escalation.Tests.Samples;

namespace Remediator.Escalation.Tests;

/// <summary>Every channel against a loopback receiver: the exact request each one sends.</summary>
public sealed class ChannelPayloadTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private const string Title = "[P1] Remediation escalated: petclinic-service-down on deployment/petclinic/api-gateway";
    private const string Reason = "verification failed: the alert still fired after 10m";
    private const string Target = "deployment/petclinic/api-gateway";
    private const string DedupKey = "remediator-0f8fad5b-d9cb-469f-a165-70867728950e";
    private const string Timeline1 = "2026-11-21 10:00:00Z Pending: requested by alert ServiceDown";
    private const string Timeline2 = "2026-11-21 10:00:05Z Executing: attempt 1: restart";
    private const string Timeline3 = "2026-11-21 10:20:00Z Escalated: verification failed";
    private const string Step1 = "attempt 1: restart (restart, execute) Succeeded: rollout restart requested";

    private async Task<ReceivedRequest> SendAsync(ChannelDefinition channel, DeliveryKind kind, string path, string? note = null)
    {
        var before = fixture.Http.To(path).Count;
        var result = await fixture.Channel(channel.Type).SendAsync(Samples.Delivery(channel, kind, note), CancellationToken.None);
        result.Succeeded.ShouldBeTrue(result.Detail);
        result.Attempts.ShouldBe(1);
        var requests = fixture.Http.To(path);
        requests.Count.ShouldBe(before + 1);
        return requests[^1];
    }

    [Fact]
    public async Task PagerDuty_triggers_with_the_whole_story_and_one_dedup_key()
    {
        var request = await SendAsync(fixture.PagerDuty, DeliveryKind.Trigger, "/pagerduty/v2/enqueue");

        request.Method.ShouldBe("POST");
        request.Header("content-type").ShouldBe("application/json; charset=utf-8");
        request.Json.ShouldBeJson($$"""
            {
              "routing_key": "{{ChannelFixture.RoutingKey}}",
              "event_action": "trigger",
              "dedup_key": "{{DedupKey}}",
              "payload": {
                "summary": "{{Title}}: {{Reason}}",
                "source": "{{Target}}",
                "severity": "critical",
                "timestamp": "2026-11-21T10:30:00.0000000+00:00",
                "component": "api-gateway",
                "group": "petclinic",
                "class": "petclinic-service-down",
                "custom_details": {
                  "remediation_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
                  "rule": "petclinic-service-down",
                  "target": "{{Target}}",
                  "severity": "P1",
                  "policy": "petclinic-p1",
                  "tier": "on-call-primary",
                  "contacts": ["{{Contact}}"],
                  "outcome": "{{Reason}}",
                  "attempts": 2,
                  "timeline": ["{{Timeline1}}", "{{Timeline2}}", "{{Timeline3}}"],
                  "steps": ["{{Step1}}"],
                  "fingerprints": ["fp-1"]
                }
              },
              "client": "Remediator",
              "client_url": "{{Dashboard}}",
              "links": [
                { "href": "{{Dashboard}}", "text": "Open the remediation" },
                { "href": "{{Generator}}", "text": "Alert source" }
              ]
            }
            """);
    }

    [Theory]
    [InlineData(DeliveryKind.Acknowledge, "acknowledge")]
    [InlineData(DeliveryKind.Resolve, "resolve")]
    public async Task PagerDuty_acknowledges_and_resolves_by_the_same_dedup_key(DeliveryKind kind, string action)
    {
        var request = await SendAsync(fixture.PagerDuty, kind, "/pagerduty/v2/enqueue", "done");

        request.Json.ShouldBeJson($$"""{ "routing_key": "{{ChannelFixture.RoutingKey}}", "event_action": "{{action}}", "dedup_key": "{{DedupKey}}" }""");
    }

    [Fact]
    public async Task Slack_posts_blocks_with_what_fired_what_was_done_the_outcome_and_links()
    {
        var request = await SendAsync(fixture.Slack, DeliveryKind.Trigger, "/slack/services/T000/B000/XXXX");

        request.Json.ShouldBeJson($$"""
            {
              "text": "{{Title}}: {{Reason}}",
              "blocks": [
                { "type": "header", "text": { "type": "plain_text", "text": "{{Title}}" } },
                { "type": "section", "fields": [
                  { "type": "mrkdwn", "text": "*Rule*\npetclinic-service-down" },
                  { "type": "mrkdwn", "text": "*Target*\n`{{Target}}`" },
                  { "type": "mrkdwn", "text": "*Severity*\nP1" },
                  { "type": "mrkdwn", "text": "*Tier*\non-call-primary" } ] },
                { "type": "section", "text": { "type": "mrkdwn", "text": "*Outcome*\n{{Reason}}" } },
                { "type": "section", "text": { "type": "mrkdwn", "text": "*What was done*\n```{{Timeline1}}\n{{Timeline2}}\n{{Timeline3}}```" } },
                { "type": "context", "elements": [ { "type": "mrkdwn", "text": "{{Contact}}" } ] },
                { "type": "actions", "elements": [
                  { "type": "button", "text": { "type": "plain_text", "text": "Open the remediation" }, "url": "{{Dashboard}}" },
                  { "type": "button", "text": { "type": "plain_text", "text": "Alert source" }, "url": "{{Generator}}" } ] }
              ]
            }
            """);
    }

    [Fact]
    public async Task Slack_resolution_is_a_follow_up_with_the_reason()
    {
        var request = await SendAsync(fixture.Slack, DeliveryKind.Resolve, "/slack/services/T000/B000/XXXX", "alert fp-1 resolved");

        var json = request.Json;
        json["text"]!.GetValue<string>().ShouldBe("[P1] Resolved: petclinic-service-down on deployment/petclinic/api-gateway: alert fp-1 resolved");
        json["blocks"]![2]!.ShouldBeJson("""{ "type": "section", "text": { "type": "mrkdwn", "text": "*Outcome*\nalert fp-1 resolved" } }""");
    }

    [Fact]
    public async Task Teams_posts_an_adaptive_card_with_the_same_content()
    {
        var request = await SendAsync(fixture.Teams, DeliveryKind.Trigger, "/teams/workflows/abc/triggers/manual");

        request.Json.ShouldBeJson($$"""
            {
              "type": "message",
              "attachments": [ {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": null,
                "content": {
                  "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                  "type": "AdaptiveCard",
                  "version": "1.4",
                  "body": [
                    { "type": "TextBlock", "text": "{{Title}}", "weight": "Bolder", "size": "Medium", "wrap": true, "color": "Attention" },
                    { "type": "FactSet", "facts": [
                      { "title": "Rule", "value": "petclinic-service-down" },
                      { "title": "Target", "value": "{{Target}}" },
                      { "title": "Severity", "value": "P1" },
                      { "title": "Outcome", "value": "{{Reason}}" },
                      { "title": "Tier", "value": "on-call-primary" },
                      { "title": "Contact", "value": "{{Contact}}" } ] },
                    { "type": "TextBlock", "text": "What was done", "weight": "Bolder", "wrap": true },
                    { "type": "TextBlock", "text": "{{Timeline1}}\n\n{{Timeline2}}\n\n{{Timeline3}}", "wrap": true, "fontType": "Monospace", "size": "Small" }
                  ],
                  "actions": [
                    { "type": "Action.OpenUrl", "title": "Open the remediation", "url": "{{Dashboard}}" },
                    { "type": "Action.OpenUrl", "title": "Alert source", "url": "{{Generator}}" }
                  ]
                }
              } ]
            }
            """);
    }

    [Fact]
    public async Task Opsgenie_creates_an_alert_aliased_by_the_dedup_key()
    {
        var request = await SendAsync(fixture.Opsgenie, DeliveryKind.Trigger, "/opsgenie/v2/alerts");

        request.Header("authorization").ShouldBe($"GenieKey {ChannelFixture.GenieKey}");
        request.Json.ShouldBeJson($$"""
            {
              "message": "{{Title}}",
              "alias": "{{DedupKey}}",
              "description": {{System.Text.Json.JsonSerializer.Serialize(NoticeText.PlainText(Samples.Delivery(fixture.Opsgenie, DeliveryKind.Trigger)))}},
              "priority": "P1",
              "source": "Remediator",
              "entity": "{{Target}}",
              "tags": ["remediator", "P1", "petclinic-service-down"],
              "details": {
                "remediationId": "0f8fad5b-d9cb-469f-a165-70867728950e",
                "rule": "petclinic-service-down",
                "target": "{{Target}}",
                "policy": "petclinic-p1",
                "tier": "on-call-primary",
                "Open the remediation": "{{Dashboard}}",
                "Alert source": "{{Generator}}"
              }
            }
            """);
    }

    [Theory]
    [InlineData(DeliveryKind.Acknowledge, "acknowledge")]
    [InlineData(DeliveryKind.Resolve, "close")]
    public async Task Opsgenie_acknowledges_and_closes_by_alias(DeliveryKind kind, string action)
    {
        var path = $"/opsgenie/v2/alerts/{DedupKey}/{action}";
        var request = await SendAsync(fixture.Opsgenie, kind, path, "handled");

        request.Query.ShouldBe("?identifierType=alias");
        request.Json.ShouldBeJson("""{ "source": "Remediator", "note": "handled" }""");
    }

    [Fact]
    public async Task Webhook_posts_the_remediation_record_signed_with_hmac_sha256()
    {
        var request = await SendAsync(fixture.Webhook, DeliveryKind.Trigger, "/hook");

        var expectedSignature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ChannelFixture.SigningKey), request.Body));
        request.Header(WebhookChannel.SignatureHeader).ShouldBe(expectedSignature);
        request.Header(WebhookChannel.EventHeader).ShouldBe("trigger");
        var deliveryId = EscalationKeys.DeliveryId(RemediationId, "hook", DeliveryKind.Trigger, 0).ToString("D");
        request.Header(WebhookChannel.DeliveryHeader).ShouldBe(deliveryId);
        var json = request.Json;
        var remediation = json["remediation"]!;
        json.AsObject().Remove("remediation");
        json.ShouldBeJson($$"""
            {
              "event": "trigger",
              "dedupKey": "{{DedupKey}}",
              "deliveryId": "{{deliveryId}}",
              "at": "2026-11-21T10:30:00.0000000+00:00",
              "title": "{{Title}}",
              "outcome": "{{Reason}}",
              "tier": "on-call-primary",
              "contacts": ["{{Contact}}"]
            }
            """);
        remediation["remediationId"]!.GetValue<string>().ShouldBe("0f8fad5b-d9cb-469f-a165-70867728950e");
        remediation["target"]!.ShouldBeJson("""{ "kind": "Deployment", "namespace": "petclinic", "name": "api-gateway", "labelSelector": null }""");
        remediation["timeline"]!.AsArray().Count.ShouldBe(3);
        remediation["steps"]![0]!["summary"]!.GetValue<string>().ShouldBe("rollout restart requested");
        remediation["dashboardUrl"]!.GetValue<string>().ShouldBe(Dashboard);
    }

    [Fact]
    public async Task Email_sends_the_story_as_plain_text_threaded_by_remediation()
    {
        var before = fixture.Smtp.Mails.Count;

        var result = await fixture.Channel(ChannelType.Email).SendAsync(Samples.Delivery(fixture.Email, DeliveryKind.Trigger), CancellationToken.None);

        result.Succeeded.ShouldBeTrue(result.Detail);
        var mail = (await fixture.Smtp.WaitForAsync(before + 1))[before];
        mail.From.ShouldBe("<remediator@petclinic.example>");
        mail.To.ShouldBe(["<oncall@petclinic.example>", "<devops@petclinic.example>"]);
        mail.Header("Subject").ShouldBe(Title);
        mail.Header("Message-ID").ShouldBe($"<{DedupKey}@remediator>");
        // SmtpClient ends the DATA with a line break of its own: compare the text, not the framing.
        mail.Body.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd().ShouldBe($"""
            {Title}

            Rule:      petclinic-service-down
            Target:    {Target}
            Severity:  P1
            Outcome:   {Reason}
            Tier:      on-call-primary
            Contact:   {Contact}
            Attempts:  2

            What was done:
              {Timeline1}
              {Timeline2}
              {Timeline3}

            Steps:
              {Step1}

            Open the remediation: {Dashboard}
            Alert source: {Generator}
            """);
    }

    [Fact]
    public async Task Email_follow_ups_reply_to_the_first_message()
    {
        var before = fixture.Smtp.Mails.Count;

        await fixture.Channel(ChannelType.Email).SendAsync(Samples.Delivery(fixture.Email, DeliveryKind.Resolve, "alert fp-1 resolved"), CancellationToken.None);

        var mail = (await fixture.Smtp.WaitForAsync(before + 1))[before];
        mail.Header("Subject").ShouldBe("[P1] Resolved: petclinic-service-down on deployment/petclinic/api-gateway");
        mail.Header("In-Reply-To").ShouldBe($"<{DedupKey}@remediator>");
        mail.Body.ShouldContain("Outcome:   alert fp-1 resolved");
    }
}
