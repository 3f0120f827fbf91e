using System.Globalization;
using System.Text;

namespace Remediator.IntegrationTests.Backtest;

/// <summary>
/// A made-up alert history, written as Prometheus records it: an <c>ALERTS</c> sample every
/// <see cref="EvaluationInterval"/> while an alert fires (and, for some, while it is pending),
/// as OpenMetrics text for <c>promtool tsdb create-blocks-from openmetrics</c>.
/// </summary>
public sealed class AlertHistory(DateTimeOffset end)
{
    public static readonly TimeSpan EvaluationInterval = TimeSpan.FromSeconds(15);

    private readonly List<Episode> _episodes = [];

    /// <summary>One firing (or, with <see cref="Pending"/>, pending) stretch of one alert; <see cref="Until"/> null: still firing at the history's end.</summary>
    public sealed record Episode(IReadOnlyDictionary<string, string> Labels, DateTimeOffset From, DateTimeOffset? Until, bool Pending = false)
    {
        public string AlertName => Labels["alertname"];

        public string Label(string name) => Labels.GetValueOrDefault(name, "");
    }

    public IReadOnlyList<Episode> Firing => [.. _episodes.Where(e => !e.Pending)];

    public void Add(IReadOnlyDictionary<string, string> labels, DateTimeOffset from, TimeSpan? duration, bool pending = false) =>
        _episodes.Add(new Episode(labels, from, from + duration, pending));

    public string ToOpenMetrics()
    {
        var text = new StringBuilder("# HELP ALERTS Alerts, as the rule manager records them.\n# TYPE ALERTS gauge\n");

        // OpenMetrics wants each series' samples together and in time order.
        foreach (var series in _episodes.GroupBy(e => SeriesLabels(e), StringComparer.Ordinal))
        {
            foreach (var episode in series.OrderBy(e => e.From))
            {
                for (var at = episode.From; at < (episode.Until ?? end); at += EvaluationInterval)
                {
                    text.Append(CultureInfo.InvariantCulture, $"ALERTS{{{series.Key}}} 1 {at.ToUnixTimeSeconds()}\n");
                }
            }
        }

        return text.Append("# EOF\n").ToString();
    }

    private static string SeriesLabels(Episode episode) =>
        string.Join(",", episode.Labels.Append(new("alertstate", episode.Pending ? "pending" : "firing")).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""));
}
