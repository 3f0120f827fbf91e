using System.Security.Cryptography;
using System.Text;
using Remediator.Contracts;

namespace Remediator.Sagas;

/// <summary>
/// The saga's CorrelationId: deterministic in (rule, target), so every request for one target
/// lands on the same instance and at most one run per target is active at a time.
/// </summary>
public static class RemediationCorrelation
{
    public static Guid For(string ruleName, RemediationTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"remediation\n{ruleName}\n{target}"));
        var bytes = hash.AsSpan(0, 16);

        // RFC 9562 UUIDv8 (custom, name-based): version nibble 8, variant 10.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
