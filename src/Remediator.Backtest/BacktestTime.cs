using System.Globalization;
using Remediator.Rules;

namespace Remediator.Backtest;

/// <summary>The times a backtest takes: RFC 3339 (<c>2026-11-20T10:00:00Z</c>), a duration ago (<c>7d</c>, <c>36h</c>, as in the rule files), or <c>now</c>.</summary>
public static class BacktestTime
{
    public const string Now = "now";

    /// <returns>False with <paramref name="error"/> saying why when <paramref name="text"/> is neither form.</returns>
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset value, out string error)
    {
        value = default;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a time is required: RFC 3339 (2026-11-20T10:00:00Z) or a duration ago (7d, 36h)";
            return false;
        }

        if (text == Now)
        {
            value = now;
            return true;
        }

        if (PromDuration.TryParse(text, out var ago))
        {
            value = now - ago;
            return true;
        }

        // RFC 3339 requires the date, the time and an offset (Z or ±hh:mm): a local time is ambiguous.
        if (text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.OrdinalIgnoreCase))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        error = $"'{text}' is neither an RFC 3339 time with an offset (2026-11-20T10:00:00Z) nor a duration ago (7d, 36h, 90m)";
        return false;
    }
}
