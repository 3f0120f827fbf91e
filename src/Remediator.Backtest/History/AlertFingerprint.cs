using System.Globalization;
using System.Text;

namespace Remediator.Backtest.History;

/// <summary>
/// The fingerprint Alertmanager gives an alert: the 64-bit FNV-1a hash of its labels sorted by
/// name, each name and value followed by the byte 0xFF, printed as 16 hex digits. The backtest's
/// alerts carry the same fingerprints as the notifications the engine received.
/// </summary>
public static class AlertFingerprint
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;
    private const byte Separator = 0xFF;

    public static string For(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var hash = OffsetBasis;
        foreach (var (name, value) in labels.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            hash = Add(Add(hash, name), value);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static ulong Add(ulong hash, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * Prime;
        }

        return (hash ^ Separator) * Prime;
    }
}
