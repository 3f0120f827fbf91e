using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Remediator.Rules;

/// <summary>Prometheus duration strings (<c>500ms</c>, <c>1h30m</c>, <c>1d</c>, <c>1w</c>), as Prometheus and Alertmanager spell them.</summary>
public static partial class PromDuration
{
    private static readonly (string Unit, TimeSpan Size)[] _units =
    [
        ("y", TimeSpan.FromDays(365)),
        ("w", TimeSpan.FromDays(7)),
        ("d", TimeSpan.FromDays(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // Prometheus accepts a bare "0" as the zero duration.
        if (text == "0")
        {
            return true;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var total = TimeSpan.Zero;
        for (var i = 0; i < _units.Length; i++)
        {
            var group = match.Groups[i + 1];
            if (!group.Success)
            {
                continue;
            }

            if (!long.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count > TimeSpan.MaxValue.Ticks / _units[i].Size.Ticks)
            {
                return false;
            }

            total += TimeSpan.FromTicks(count * _units[i].Size.Ticks);
        }

        value = total;
        return true;
    }

    /// <summary>The canonical Prometheus form, e.g. 90 minutes as <c>1h30m</c>, zero as <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        var rest = value.Ticks;
        // Years and weeks are skipped on output: "7d" reads better in a plan than "1w" next to "36h".
        foreach (var (unit, size) in _units.AsSpan(2))
        {
            var count = rest / size.Ticks;
            if (count > 0)
            {
                builder.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= count * size.Ticks;
            }
        }

        return builder.Length == 0 ? "0s" : builder.ToString();
    }

    [GeneratedRegex(@"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
