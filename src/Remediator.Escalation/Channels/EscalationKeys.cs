using System.Security.Cryptography;
using System.Text;
using Remediator.Escalation.Messages;

namespace Remediator.Escalation.Channels;

/// <summary>Stable identities, so a retried or redelivered message is recognised as the same one.</summary>
public static class EscalationKeys
{
    /// <summary>One per remediation: PagerDuty's <c>dedup_key</c>, Opsgenie's alias, the webhook's <c>dedupKey</c>, the email thread.</summary>
    public static string DedupKey(Guid remediationId) => $"remediator-{remediationId:D}";

    /// <summary>A delivery's id from what it is: the same (remediation, channel, kind, tier) is the same delivery.</summary>
    public static Guid DeliveryId(Guid remediationId, string channel, DeliveryKind kind, int tier, string? discriminator = null)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"escalation-delivery\n{remediationId:D}\n{channel}\n{kind}\n{tier}\n{discriminator}"));
        var bytes = hash.AsSpan(0, 16);

        // RFC 9562 UUIDv8 (name-based, custom hash): version nibble 8, variant 10.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
