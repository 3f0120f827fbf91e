using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>
/// Opsgenie Alert API v2: create with the remediation's dedup key as <c>alias</c> (Opsgenie
/// de-duplicates open alerts by alias, so a retry is not a second alert), acknowledge and close by alias.
/// </summary>
public sealed class OpsgenieChannel(HttpDelivery http, ISecretResolver secrets) : IEscalationChannel
{
    public static readonly Uri DefaultUrl = new("https://api.opsgenie.com/");

    public ChannelType Type => ChannelType.Opsgenie;

    public Task<DeliveryResult> SendAsync(DeliverEscalation delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var apiKey = delivery.Channel.Value("api-key", secrets, out var failure);
        if (apiKey is null)
        {
            return Task.FromResult(failure!);
        }

        if (delivery.Channel.Url("url", secrets, out failure, DefaultUrl) is not { } configured)
        {
            return Task.FromResult(failure!);
        }

        // The API paths are relative to the base URL, which therefore must end with '/'.
        var baseUrl = configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/");
        var url = new Uri(baseUrl, RelativePath(delivery));
        var payload = Payload(delivery);
        return http.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = JsonBody.From(payload),
                Headers = { Authorization = new AuthenticationHeaderValue("GenieKey", apiKey) },
            },
            cancellationToken);
    }

    public static string Alias(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return delivery.Kind == DeliveryKind.Notify
            ? $"{EscalationKeys.DedupKey(delivery.RemediationId)}-notify-{delivery.DeliveryId:D}"
            : EscalationKeys.DedupKey(delivery.RemediationId);
    }

    public static string RelativePath(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return delivery.Kind switch
        {
            DeliveryKind.Acknowledge => $"v2/alerts/{Uri.EscapeDataString(Alias(delivery))}/acknowledge?identifierType=alias",
            DeliveryKind.Resolve => $"v2/alerts/{Uri.EscapeDataString(Alias(delivery))}/close?identifierType=alias",
            _ => "v2/alerts",
        };
    }

    public static JsonObject Payload(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var notice = delivery.Notice;
        if (delivery.Kind is DeliveryKind.Acknowledge or DeliveryKind.Resolve)
        {
            return new JsonObject { ["source"] = "Remediator", ["note"] = NoticeText.Outcome(delivery) };
        }

        var message = NoticeText.Title(delivery);
        var details = new JsonObject
        {
            ["remediationId"] = notice.RemediationId.ToString("D"),
            ["rule"] = notice.RuleName,
            ["target"] = notice.Target.ToString(),
            ["policy"] = notice.Policy ?? "",
            ["tier"] = delivery.TierName ?? "",
        };
        foreach (var link in NoticeText.Links(notice))
        {
            details[link.Text] = link.Url;
        }

        return new JsonObject
        {
            // Opsgenie truncates messages over 130 characters; cut it where we choose.
            ["message"] = message.Length > 130 ? message[..127] + "..." : message,
            ["alias"] = Alias(delivery),
            ["description"] = NoticeText.PlainText(delivery),
            ["priority"] = delivery.Kind == DeliveryKind.Notify ? "P5" : notice.Severity,
            ["source"] = "Remediator",
            ["entity"] = notice.Target.ToString(),
            ["tags"] = JsonBody.Array(["remediator", notice.Severity, notice.RuleName]),
            ["details"] = details,
        };
    }
}
