using System.Security.Cryptography;
using System.Text;
using Remediator.Contracts;

namespace Remediator.Engine.Alerts;

/// <summary>
/// A deterministic id for (alert occurrence, rule, target): a redelivered alert yields the same
/// RequestId, so anything downstream can recognise a duplicate request.
/// </summary>
public static class RemediationRequestId
{
    public static Guid For(string idempotencyKey, string ruleName, RemediationTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{idempotencyKey}\n{ruleName}\n{target}"));
        var bytes = hash.AsSpan(0, 16);

        // RFC 9562 UUIDv8 (custom, name-based): version nibble 8, variant 10.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
