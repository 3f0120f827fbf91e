using System.Text.Json.Nodes;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>Slack incoming webhook: Block Kit with what fired, what was done, the outcome and links.</summary>
public sealed class SlackChannel(HttpDelivery http, ISecretResolver secrets) : IEscalationChannel
{
    /// <summary>Slack rejects a section text over 3000 characters.</summary>
    private const int MaxSectionText = 3000;

    public ChannelType Type => ChannelType.Slack;

    public Task<DeliveryResult> SendAsync(DeliverEscalation delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var url = delivery.Channel.Url("webhook-url", secrets, out var failure);
        if (url is null)
        {
            return Task.FromResult(failure!);
        }

        var payload = Payload(delivery);
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonBody.From(payload) }, cancellationToken);
    }

    public static JsonObject Payload(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var notice = delivery.Notice;
        var title = NoticeText.Title(delivery);
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(title.Length > 150 ? title[..147] + "..." : title) },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray
                {
                    Markdown($"*Rule*\n{notice.RuleName}"),
                    Markdown($"*Target*\n`{notice.Target}`"),
                    Markdown($"*Severity*\n{notice.Severity}"),
                    Markdown($"*Tier*\n{delivery.TierName ?? "-"}"),
                },
            },
            Section($"*Outcome*\n{NoticeText.Outcome(delivery)}"),
        };
        if (delivery.Kind == DeliveryKind.Trigger && notice.Timeline.Count > 0)
        {
            blocks.Add(Section($"*What was done*\n```{string.Join("\n", NoticeText.Timeline(notice))}```"));
        }

        if (delivery.Contacts.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray([.. delivery.Contacts.Select(c => (JsonNode?)Markdown(c))]) });
        }

        var links = NoticeText.Links(notice);
        if (links.Count > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray([.. links.Select(link => (JsonNode?)new JsonObject { ["type"] = "button", ["text"] = PlainText(link.Text), ["url"] = link.Url })]),
            });
        }

        // "text" is the notification and screen-reader fallback when blocks are present.
        return new JsonObject { ["text"] = $"{title}: {NoticeText.Outcome(delivery)}", ["blocks"] = blocks };
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static JsonObject Markdown(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JsonObject Section(string text) =>
        new() { ["type"] = "section", ["text"] = Markdown(text.Length > MaxSectionText ? text[..(MaxSectionText - 6)] + "...```" : text) };
}
