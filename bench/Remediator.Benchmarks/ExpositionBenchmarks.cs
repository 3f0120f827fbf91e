using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Observability.Metrics;

namespace Remediator.Benchmarks;

/// <summary>
/// <c>/metrics</c>: writing the exposition of a registry about the engine's size (counters and
/// histograms with a few labels), and the cost a measurement adds on the hot path.
/// </summary>
[MemoryDiagnoser]
public class ExpositionBenchmarks : IDisposable
{
    private ServiceProvider _services = null!;
    private PrometheusExporter _exporter = null!;
    private Counter<long> _hotCounter = null!;
    private Histogram<double> _hotHistogram = null!;

    /// <summary>Series per family; the engine's own families have 1-20, MassTransit's one per queue and message type.</summary>
    [Params(10, 100)]
    public int SeriesPerFamily { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        _exporter = new PrometheusExporter(["Remediator"], factory);
        var meter = factory.Create("Remediator");

        // 40 counters and 10 histograms (16 buckets), like the engine plus MassTransit.
        for (var family = 0; family < 40; family++)
        {
            var counter = meter.CreateCounter<long>($"remediator.bench.counter{family}", description: "A counter.");
            for (var series = 0; series < SeriesPerFamily; series++)
            {
                counter.Add(series, new KeyValuePair<string, object?>("rule", $"rule-{series}"), new KeyValuePair<string, object?>("outcome", "succeeded"));
            }
        }

        for (var family = 0; family < 10; family++)
        {
            var histogram = meter.CreateHistogram<double>($"remediator.bench.duration{family}", unit: "s", description: "A histogram.");
            for (var series = 0; series < SeriesPerFamily; series++)
            {
                histogram.Record(series / 10.0, new KeyValuePair<string, object?>("action", $"action-{series}"));
            }
        }

        _hotCounter = meter.CreateCounter<long>("remediator.bench.hot");
        _hotHistogram = meter.CreateHistogram<double>("remediator.bench.hot_duration", unit: "s");
    }

    [Benchmark]
    public int Scrape() => _exporter.Scrape().Length;

    [Benchmark]
    public void CounterAddTwoLabels() =>
        _hotCounter.Add(1, new KeyValuePair<string, object?>("rule", "restart-cart"), new KeyValuePair<string, object?>("outcome", "succeeded"));

    [Benchmark]
    public void HistogramRecordOneLabel() =>
        _hotHistogram.Record(0.42, new KeyValuePair<string, object?>("action", "restart"));

    [GlobalCleanup]
    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
        GC.SuppressFinalize(this);
    }
}
