using System.Text.Json.Nodes;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>Microsoft Teams Workflows webhook ("post to a channel when a webhook request is received"): one Adaptive Card.</summary>
public sealed class TeamsChannel(HttpDelivery http, ISecretResolver secrets) : IEscalationChannel
{
    public ChannelType Type => ChannelType.Teams;

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
        var facts = new JsonArray
        {
            Fact("Rule", notice.RuleName),
            Fact("Target", notice.Target.ToString()),
            Fact("Severity", notice.Severity),
            Fact("Outcome", NoticeText.Outcome(delivery)),
        };
        if (delivery.TierName is not null)
        {
            facts.Add(Fact("Tier", delivery.TierName));
        }

        foreach (var contact in delivery.Contacts)
        {
            facts.Add(Fact("Contact", contact));
        }

        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = NoticeText.Title(delivery),
                ["weight"] = "Bolder",
                ["size"] = "Medium",
                ["wrap"] = true,
                ["color"] = delivery.Kind switch
                {
                    DeliveryKind.Trigger => "Attention",
                    DeliveryKind.Resolve => "Good",
                    _ => "Default",
                },
            },
            new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
        };
        if (delivery.Kind == DeliveryKind.Trigger && notice.Timeline.Count > 0)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "What was done", ["weight"] = "Bolder", ["wrap"] = true });

            // Adaptive Card markdown needs a blank line between lines to break them.
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = string.Join("\n\n", NoticeText.Timeline(notice)), ["wrap"] = true, ["fontType"] = "Monospace", ["size"] = "Small" });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        var links = NoticeText.Links(notice);
        if (links.Count > 0)
        {
            card["actions"] = new JsonArray([.. links.Select(link => (JsonNode?)new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = link.Text, ["url"] = link.Url })]);
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        };
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}
