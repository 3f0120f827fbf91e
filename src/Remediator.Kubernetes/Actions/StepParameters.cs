using System.Globalization;
using System.Text.RegularExpressions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// Reads a step's parameters from their canonical string form (docs/rules.md): integers,
/// signed deltas (<c>+2</c>), booleans, Prometheus durations and dotted maps (<c>env.NAME</c>).
/// </summary>
public sealed partial class StepParameters(string action, IReadOnlyDictionary<string, string> values)
{
    public string? Text(string name) => values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Required(string name) =>
        Text(name) ?? throw new ActionParameterException($"{action}: parameter '{name}' is required");

    public bool Has(string name) => values.ContainsKey(name);

    public int? Number(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ActionParameterException($"{action}: parameter '{name}' must be an integer, got '{text}'");
    }

    /// <summary>A delta written <c>+N</c> or <c>-N</c> (a bare <c>N</c> means <c>+N</c>).</summary>
    public int? Delta(string name) => Number(name);

    public bool Flag(string name, bool defaultValue)
    {
        var text = Text(name);
        return text is null ? defaultValue
            : bool.TryParse(text, out var value) ? value
            : throw new ActionParameterException($"{action}: parameter '{name}' must be true or false, got '{text}'");
    }

    public TimeSpan? Duration(string name)
    {
        var text = Text(name);
        return text is null ? null
            : TryParseDuration(text, out var value) ? value
            : throw new ActionParameterException($"{action}: parameter '{name}' must be a duration like 30s or 1h30m, got '{text}'");
    }

    /// <summary>The entries of a dotted map: <c>Map("env")</c> turns <c>env.A=1</c> into <c>A=1</c>.</summary>
    public IReadOnlyDictionary<string, string> Map(string prefix) =>
        values.Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Prometheus durations: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1d</c>, <c>1w</c>, <c>1y</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !DurationPattern().IsMatch(text))
        {
            return false;
        }

        foreach (Match part in DurationPart().Matches(text))
        {
            var n = long.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            value += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        }

        return true;
    }

    [GeneratedRegex("^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("([0-9]+)(ms|y|w|d|h|m|s)")]
    private static partial Regex DurationPart();
}
