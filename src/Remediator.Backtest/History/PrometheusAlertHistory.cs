using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Remediator.Backtest.History;

/// <summary>
/// Reads the alerts a Prometheus fired between two instants from its <c>ALERTS</c> series, by
/// range queries of <c>timestamp(ALERTS{alertstate="firing"})</c> paged by <see cref="PageSteps"/>
/// evaluation steps, so a 30-day range is many small answers rather than one Prometheus refuses
/// (it caps a range query at 11,000 points per series).
/// </summary>
/// <remarks>
/// Each point of the answer is the time of the newest sample at that step. A sample older than one
/// step is Prometheus's look-back (up to 5 minutes) repeating a series that has stopped, not an
/// alert still firing, so it counts as not firing: the step must be at least the alert rules'
/// evaluation interval. An episode begins at its first firing sample and is resolved at the first
/// step that no longer shows it.
/// </remarks>
public sealed class PrometheusAlertHistory(HttpClient http, Uri prometheus)
{
    /// <summary>The query: firing alerts only (not pending ones), with every alert's labels.</summary>
    public const string Query = "timestamp(ALERTS{alertstate=\"firing\"})";

    /// <summary>Steps per range query: 720 (six hours at the default 30 s step), far under Prometheus's 11,000-point limit per series.</summary>
    public const int PageSteps = 720;

    /// <summary>The default step: twice a 15 s evaluation interval, and within Prometheus's default 1 m.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromSeconds(30);

    private const string AlertStateLabel = "alertstate";

    /// <summary>The firing episodes between <paramref name="from"/> and <paramref name="to"/>, oldest first; <paramref name="progress"/> hears of each page read.</summary>
    /// <exception cref="AlertHistoryException">Prometheus cannot be reached or answers with an error.</exception>
    public async Task<IReadOnlyList<AlertEpisode>> ReadAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, Action<HistoryProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        if (to <= from)
        {
            throw new ArgumentException($"the range's end ({to:O}) must be after its start ({from:O})", nameof(to));
        }

        var lastStep = (int)((to - from).Ticks / step.Ticks);
        var pages = (lastStep / PageSteps) + 1;
        var series = new Dictionary<string, SeriesEpisodes>(StringComparer.Ordinal);
        for (var page = 0; page < pages; page++)
        {
            var first = page * PageSteps;
            var last = Math.Min(first + PageSteps - 1, lastStep);
            using var answer = await QueryRangeAsync(from + (step * first), from + (step * last), step, cancellationToken);
            foreach (var result in answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var labels = Labels(result.GetProperty("metric"));
                var key = AlertFingerprint.For(labels);
                if (!series.TryGetValue(key, out var episodes))
                {
                    episodes = new SeriesEpisodes(labels, key);
                    series.Add(key, episodes);
                }

                foreach (var point in result.GetProperty("values").EnumerateArray())
                {
                    var at = Instant(point[0]);
                    var sampledAt = Instant(point[1]);
                    var index = (int)Math.Round((at - from).Ticks / (double)step.Ticks);
                    if (at - sampledAt <= step)
                    {
                        episodes.Firing(index, sampledAt, from, step);
                    }
                }
            }

            progress?.Invoke(new HistoryProgress(page + 1, pages, from + (step * last), series.Count));
        }

        return [.. series.Values.SelectMany(s => s.Close(lastStep, from, step)).OrderBy(e => e.FiringAt).ThenBy(e => e.Fingerprint, StringComparer.Ordinal)];
    }

    private async Task<JsonDocument> QueryRangeAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        var url = new Uri(
            $"{prometheus.AbsoluteUri.TrimEnd('/')}/api/v1/query_range?query={Uri.EscapeDataString(Query)}&start={Seconds(start)}&end={Seconds(end)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}");
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new AlertHistoryException($"cannot reach Prometheus at {prometheus}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AlertHistoryException($"Prometheus at {prometheus} did not answer within {http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                throw new AlertHistoryException($"{url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.StatusCode} with something other than Prometheus's JSON (is {prometheus} a Prometheus?)", e);
            }

            if (response.StatusCode != HttpStatusCode.OK || !IsSuccess(document))
            {
                var error = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var text) ? text.ToString() : body;
                document.Dispose();
                throw new AlertHistoryException($"Prometheus at {prometheus} refused the range query ({(int)response.StatusCode}): {error}");
            }

            return document;
        }
    }

    private static bool IsSuccess(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object
        && document.RootElement.TryGetProperty("status", out var status) && status.GetString() == "success"
        && document.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array;

    private static Dictionary<string, string> Labels(JsonElement metric)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in metric.EnumerateObject().Where(label => label.Name != AlertStateLabel))
        {
            labels[label.Name] = label.Value.GetString() ?? string.Empty;
        }

        return labels;
    }

    /// <summary>A point's time (a JSON number) or value (a JSON string holding a number), both Unix seconds.</summary>
    private static DateTimeOffset Instant(JsonElement element)
    {
        var seconds = element.ValueKind == JsonValueKind.String
            ? double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : element.GetDouble();
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }

    private static string Seconds(DateTimeOffset at) =>
        (at.ToUnixTimeMilliseconds() / 1000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>One series' episodes as its points arrive, step by step.</summary>
    private sealed class SeriesEpisodes(IReadOnlyDictionary<string, string> labels, string fingerprint)
    {
        private readonly List<AlertEpisode> _closed = [];
        private DateTimeOffset? _openedAt;
        private int _lastFiringStep = -1;

        public void Firing(int step, DateTimeOffset sampledAt, DateTimeOffset from, TimeSpan stepLength)
        {
            if (_openedAt is not null && step > _lastFiringStep + 1)
            {
                CloseAt(from + (stepLength * (_lastFiringStep + 1)));
            }

            _openedAt ??= sampledAt;
            _lastFiringStep = step;
        }

        public List<AlertEpisode> Close(int lastStep, DateTimeOffset from, TimeSpan stepLength)
        {
            if (_openedAt is { } opened)
            {
                _closed.Add(new AlertEpisode(labels, fingerprint, opened, _lastFiringStep >= lastStep ? null : from + (stepLength * (_lastFiringStep + 1))));
                _openedAt = null;
            }

            return _closed;
        }

        private void CloseAt(DateTimeOffset resolvedAt)
        {
            _closed.Add(new AlertEpisode(labels, fingerprint, _openedAt!.Value, resolvedAt));
            _openedAt = null;
        }
    }
}
