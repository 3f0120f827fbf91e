using System.Globalization;

namespace Remediator.LoadHarness;

/// <summary>One scrape of the engine's <c>GET /metrics</c>: every sample by its series (name and labels as written).</summary>
public sealed class MetricsSnapshot
{
    private readonly Dictionary<string, double> _samples;

    private MetricsSnapshot(Dictionary<string, double> samples) => _samples = samples;

    public static async Task<MetricsSnapshot> ScrapeAsync(HttpClient http, Uri engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = await http.GetStringAsync(new Uri(engine, "metrics"), cancellationToken);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples[line[..space]] = value;
            }
        }

        return new MetricsSnapshot(samples);
    }

    /// <summary>The sum over the series of <paramref name="family"/> whose labels include <paramref name="label"/> (e.g. <c>kind="transaction"</c>), if given.</summary>
    public double Sum(string family, string? label = null) =>
        Series(family).Where(s => label is null || s.Labels.Contains(label, StringComparison.Ordinal)).Sum(s => s.Value);

    /// <summary>The sums of <paramref name="family"/> grouped by the value of label <paramref name="by"/>, optionally only series with <paramref name="label"/>.</summary>
    public Dictionary<string, double> SumBy(string family, string by, string? label = null)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (labels, value) in Series(family).Where(s => label is null || s.Labels.Contains(label, StringComparison.Ordinal)))
        {
            var key = LabelValue(labels, by) ?? "";
            sums[key] = sums.GetValueOrDefault(key) + value;
        }

        return sums;
    }

    private IEnumerable<(string Labels, double Value)> Series(string family)
    {
        foreach (var (series, value) in _samples)
        {
            if (series == family)
            {
                yield return ("", value);
            }
            else if (series.Length > family.Length && series.StartsWith(family, StringComparison.Ordinal) && series[family.Length] == '{')
            {
                yield return (series[family.Length..], value);
            }
        }
    }

    private static string? LabelValue(string labels, string name)
    {
        var start = labels.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += name.Length + 2;
        var end = labels.IndexOf('"', start);
        return end < 0 ? null : labels[start..end];
    }
}
