using System.Text;

namespace Remediator.Observability.Metrics;

/// <summary>
/// Maps OpenTelemetry-style instrument names and units to Prometheus names: every character
/// Prometheus does not allow becomes <c>_</c> (so <c>remediator.rules.reloads</c> is
/// <c>remediator_rules_reloads</c>), and the unit is spelled out as a suffix (<c>s</c> is
/// <c>_seconds</c>, <c>By</c> is <c>_bytes</c>; annotations such as <c>{message}</c> say nothing and are dropped).
/// </summary>
internal static class PrometheusNaming
{
    public const string TotalSuffix = "_total";

    private static readonly Dictionary<string, string> _units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["%"] = "percent",
        ["1"] = string.Empty,

        // "each", MassTransit's unit for counts: a plain number, like "1".
        ["ea"] = string.Empty,
    };

    /// <summary>The family name: sanitized, with its unit suffix, and for counters without <c>_total</c> (added per sample).</summary>
    public static string FamilyName(string instrumentName, string? unit, MetricType type)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (type == MetricType.Counter && name.EndsWith(TotalSuffix, StringComparison.Ordinal))
        {
            name = name[..^TotalSuffix.Length];
        }

        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name = $"{name}_{suffix}";
        }

        return name;
    }

    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    /// <summary><c>s</c> → <c>seconds</c>, <c>By/s</c> → <c>bytes_per_second</c>, <c>{message}</c> → nothing.</summary>
    public static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        var parts = unit.Split('/', 2);
        var main = UnitWord(parts[0], perUnit: false);
        if (parts.Length == 1)
        {
            return main;
        }

        var per = UnitWord(parts[1], perUnit: true);
        return (main, per) switch
        {
            (_, "") => main,
            ("", _) => $"per_{per}",
            _ => $"{main}_per_{per}",
        };
    }

    private static string UnitWord(string unit, bool perUnit)
    {
        // Braced annotations ({message}, {request}) are for humans: Prometheus names carry none.
        var trimmed = BraceFree(unit).Trim();
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        if (_units.TryGetValue(trimmed, out var word))
        {
            // Rates are "per second", not "per seconds".
            return perUnit && word.Length > 1 && word.EndsWith('s') ? word[..^1] : word;
        }

        return Sanitize(trimmed, allowColon: false).Trim('_');
    }

    private static string BraceFree(string unit)
    {
        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>[a-zA-Z_:][a-zA-Z0-9_:]* (no colons in label names), runs of underscores collapsed.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
