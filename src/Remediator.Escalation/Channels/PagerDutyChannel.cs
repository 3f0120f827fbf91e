using System.Text.Json.Nodes;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>
/// PagerDuty Events API v2: trigger, acknowledge and resolve with one <c>dedup_key</c> per
/// remediation, so a retried trigger updates the same incident instead of paging twice.
/// </summary>
public sealed class PagerDutyChannel(HttpDelivery http, ISecretResolver secrets) : IEscalationChannel
{
    public static readonly Uri DefaultUrl = new("https://events.pagerduty.com/v2/enqueue");

    public ChannelType Type => ChannelType.PagerDuty;

    public Task<DeliveryResult> SendAsync(DeliverEscalation delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var routingKey = delivery.Channel.Value("routing-key", secrets, out var failure);
        if (routingKey is null)
        {
            return Task.FromResult(failure!);
        }

        var url = delivery.Channel.Url("url", secrets, out failure, DefaultUrl);
        if (url is null)
        {
            return Task.FromResult(failure!);
        }

        var payload = Payload(delivery, routingKey);
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonBody.From(payload) }, cancellationToken);
    }

    public static JsonObject Payload(DeliverEscalation delivery, string routingKey)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var notice = delivery.Notice;

        // A notify step is information with its own key: it must not merge into (or resolve) the remediation's incident.
        var dedupKey = delivery.Kind == DeliveryKind.Notify ? $"{EscalationKeys.DedupKey(notice.RemediationId)}-notify-{delivery.DeliveryId:D}" : EscalationKeys.DedupKey(notice.RemediationId);
        var body = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = delivery.Kind switch
            {
                DeliveryKind.Acknowledge => "acknowledge",
                DeliveryKind.Resolve => "resolve",
                _ => "trigger",
            },
            ["dedup_key"] = dedupKey,
        };
        if (delivery.Kind is DeliveryKind.Trigger or DeliveryKind.Notify)
        {
            var details = new JsonObject
            {
                ["remediation_id"] = notice.RemediationId.ToString("D"),
                ["rule"] = notice.RuleName,
                ["target"] = notice.Target.ToString(),
                ["severity"] = notice.Severity,
                ["policy"] = notice.Policy,
                ["tier"] = delivery.TierName,
                ["contacts"] = JsonBody.Array(delivery.Contacts),
                ["outcome"] = NoticeText.Outcome(delivery),
                ["attempts"] = notice.Attempts,
                ["timeline"] = JsonBody.Array(NoticeText.Timeline(notice)),
                ["steps"] = JsonBody.Array(NoticeText.Steps(notice)),
                ["fingerprints"] = JsonBody.Array(notice.Fingerprints),
            };
            var summary = $"{NoticeText.Title(delivery)}: {NoticeText.Outcome(delivery)}";
            body["payload"] = new JsonObject
            {
                // PagerDuty rejects summaries over 1024 characters.
                ["summary"] = summary.Length > 1024 ? summary[..1021] + "..." : summary,
                ["source"] = notice.Target.ToString(),
                ["severity"] = delivery.Kind == DeliveryKind.Notify ? "info" : Severity(notice.Severity),
                ["timestamp"] = delivery.At.ToString("O"),
                ["component"] = notice.Target.Name ?? notice.Target.LabelSelector,
                ["group"] = notice.Target.Namespace,
                ["class"] = notice.RuleName,
                ["custom_details"] = details,
            };
            body["client"] = "Remediator";
            if (notice.DashboardUrl is { } dashboard)
            {
                body["client_url"] = dashboard;
            }

            body["links"] = new JsonArray([.. NoticeText.Links(notice).Select(link => (JsonNode?)new JsonObject { ["href"] = link.Url, ["text"] = link.Text })]);
        }

        return body;
    }

    /// <summary>The runbook's P1..P4 as PagerDuty's severities.</summary>
    public static string Severity(string severity) => severity switch
    {
        "P1" => "critical",
        "P2" => "error",
        "P3" => "warning",
        _ => "info",
    };
}
