using System.Collections.Concurrent;

namespace Remediator.Observability.Metrics;

/// <summary>Every series of one Prometheus metric name, however many instruments report into it.</summary>
internal sealed class MetricFamily(string name, MetricType type, string help, double[]? bounds, bool observed)
{
    private readonly ConcurrentDictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>The name of counter and gauge samples: counters end in <c>_total</c>.</summary>
    public string SampleName { get; } = type == MetricType.Counter ? name + PrometheusNaming.TotalSuffix : name;

    public string BucketName { get; } = name + "_bucket";

    public string SumName { get; } = name + "_sum";

    public string CountName { get; } = name + "_count";

    public MetricType Type { get; } = type;

    public string Help { get; } = help;

    /// <summary>Upper bounds of the finite histogram buckets, ascending; null for other types.</summary>
    public double[]? Bounds { get; } = bounds;

    /// <summary>The bounds as <c>le</c> label values, formatted once.</summary>
    public string[] LeValues { get; } = bounds?.Select(PrometheusTextWriter.FormatValue).ToArray() ?? [];

    /// <summary>Fed by observable instruments: re-read at every scrape, so series not reported again are dropped.</summary>
    public bool Observed { get; } = observed;

    public MetricSeries Series(string labels) =>
        _series.TryGetValue(labels, out var series) ? series : _series.GetOrAdd(labels, key => new MetricSeries(key, Bounds));

    public void Clear() => _series.Clear();

    /// <summary>The series sorted by their labels, so that every scrape lists them in the same order.</summary>
    public MetricSeries[] SortedSeries()
    {
        var series = _series.Values.ToArray();
        Array.Sort(series, static (a, b) => string.CompareOrdinal(a.Labels, b.Labels));
        return series;
    }
}
