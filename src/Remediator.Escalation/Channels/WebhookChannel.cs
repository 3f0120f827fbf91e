using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>
/// A generic JSON webhook: the event, the dedup key and the remediation record. With a signing
/// secret, <c>X-Remediator-Signature: sha256=HEX</c> is the HMAC-SHA256 of the exact body bytes.
/// </summary>
public sealed class WebhookChannel(HttpDelivery http, ISecretResolver secrets) : IEscalationChannel
{
    public const string SignatureHeader = "X-Remediator-Signature";
    public const string DeliveryHeader = "X-Remediator-Delivery";
    public const string EventHeader = "X-Remediator-Event";

    // Enums by name (e.g. the target's kind "Deployment"): receivers should not need our enum values.
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public ChannelType Type => ChannelType.Webhook;

    public Task<DeliveryResult> SendAsync(DeliverEscalation delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var url = delivery.Channel.Url("url", secrets, out var failure);
        if (url is null)
        {
            return Task.FromResult(failure!);
        }

        string? signingKey = null;
        if (delivery.Channel.Secrets.ContainsKey("signing-secret"))
        {
            signingKey = delivery.Channel.Value("signing-secret", secrets, out failure);
            if (signingKey is null)
            {
                return Task.FromResult(failure!);
            }
        }

        var body = Encoding.UTF8.GetBytes(Payload(delivery).ToJsonString());
        var eventName = EventName(delivery.Kind);
        return http.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonBody.From(body) };
                request.Headers.Add(EventHeader, eventName);
                request.Headers.Add(DeliveryHeader, delivery.DeliveryId.ToString("D"));
                if (signingKey is not null)
                {
                    request.Headers.Add(SignatureHeader, Sign(signingKey, body));
                }

                return request;
            },
            cancellationToken);
    }

    public static string Sign(string key, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));
    }

    public static string EventName(DeliveryKind kind) => kind.ToString().ToLowerInvariant();

    public static JsonObject Payload(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return new JsonObject
        {
            ["event"] = EventName(delivery.Kind),
            ["dedupKey"] = EscalationKeys.DedupKey(delivery.RemediationId),
            ["deliveryId"] = delivery.DeliveryId.ToString("D"),
            ["at"] = delivery.At.ToString("O"),
            ["title"] = NoticeText.Title(delivery),
            ["outcome"] = NoticeText.Outcome(delivery),
            ["tier"] = delivery.TierName,
            ["contacts"] = JsonBody.Array(delivery.Contacts),
            ["remediation"] = JsonSerializer.SerializeToNode(delivery.Notice, _json),
        };
    }
}
