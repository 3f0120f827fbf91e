using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Remediator.Observability.Metrics;

/// <summary>
/// Listens to the named meters with a <see cref="MeterListener"/>, aggregates what they report in
/// memory (sums, last values, histogram buckets) and writes it in the Prometheus text exposition
/// format 0.0.4. Families are sorted by name and series by labels so that two scrapes of the same
/// state are byte-for-byte equal.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The exposition format's media type.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Prometheus client defaults, for histograms in seconds.</summary>
    private static readonly double[] _secondsBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    /// <summary>OpenTelemetry's defaults, which suit milliseconds and plain counts.</summary>
    private static readonly double[] _defaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly HashSet<string> _meterNames;
    private readonly object? _scope;
    private readonly MeterListener _listener;
    private readonly Dictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _familiesGate = new();
    private readonly Lock _scrapeGate = new();
    private MetricFamily[] _sorted = [];

    /// <param name="meterNames">The meters to export, e.g. <c>Remediator</c> and <c>MassTransit</c>.</param>
    /// <param name="scope">
    /// Only meters created by this <see cref="IMeterFactory"/> are exported, besides meters created
    /// without a factory (MassTransit's): several hosts in one process (tests) each see their own.
    /// </param>
    public PrometheusExporter(IEnumerable<string> meterNames, IMeterFactory? scope)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _scope = scope;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => Record(state, (double)value, tags));
        _listener.Start();
    }

    /// <summary>Everything exported, in the text format.</summary>
    public string Scrape()
    {
        var builder = new StringBuilder(8 * 1024);
        using (var writer = new StringWriter(builder, CultureInfo.InvariantCulture))
        {
            Write(writer);
        }

        return builder.ToString();
    }

    /// <summary>Reads the observable instruments, then writes every family to <paramref name="writer"/>.</summary>
    public void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // One scrape at a time: observable families are cleared and re-read as a whole.
        lock (_scrapeGate)
        {
            var families = Volatile.Read(ref _sorted);
            foreach (var family in families)
            {
                if (family.Observed)
                {
                    family.Clear();
                }
            }

            _listener.RecordObservableInstruments();
            Span<long> buckets = stackalloc long[64];
            foreach (var family in families)
            {
                PrometheusTextWriter.WriteFamily(writer, family, buckets);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!_meterNames.Contains(meter.Name) || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _scope)))
        {
            return;
        }

        if (Classify(instrument) is not { } kind)
        {
            return;
        }

        var name = PrometheusNaming.FamilyName(instrument.Name, instrument.Unit, kind.Type);
        MetricFamily family;
        lock (_familiesGate)
        {
            if (_families.TryGetValue(name, out var existing))
            {
                // Two instruments of one name report into one family (a meter requested from the
                // factory twice); one that would change the family's type is not exported.
                if (existing.Type != kind.Type || existing.Observed != kind.Observed)
                {
                    return;
                }

                family = existing;
            }
            else
            {
                var bounds = kind.Type == MetricType.Histogram ? HistogramBounds(instrument) : null;
                family = new MetricFamily(name, kind.Type, instrument.Description ?? string.Empty, bounds, kind.Observed);
                _families.Add(name, family);
                var sorted = _families.Values.ToArray();
                Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                Volatile.Write(ref _sorted, sorted);
            }
        }

        listener.EnableMeasurementEvents(instrument, new Binding(family, kind.Mode));
    }

    private static void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not Binding binding)
        {
            return;
        }

        var series = binding.Family.Series(PrometheusTextWriter.RenderLabels(tags));
        switch (binding.Mode)
        {
            case RecordMode.Add:
                series.Add(value);
                break;
            case RecordMode.Set:
                series.Set(value);
                break;
            default:
                series.Observe(value);
                break;
        }
    }

    private static (MetricType Type, RecordMode Mode, bool Observed)? Classify(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            // MassTransit counts what is in flight (receive.active, consume.active) with a Counter
            // it adds -1 to when done; a Prometheus counter never goes down, so those are gauges.
            return instrument.Name.EndsWith(".active", StringComparison.Ordinal)
                ? (MetricType.Gauge, RecordMode.Add, false)
                : (MetricType.Counter, RecordMode.Add, false);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            // Observable counters report their running total, not increments.
            return (MetricType.Counter, RecordMode.Set, true);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return (MetricType.Gauge, RecordMode.Add, false);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
        {
            return (MetricType.Gauge, RecordMode.Set, true);
        }

        if (definition == typeof(Gauge<>))
        {
            return (MetricType.Gauge, RecordMode.Set, false);
        }

        return definition == typeof(Histogram<>) ? (MetricType.Histogram, RecordMode.Observe, false) : null;
    }

    /// <summary>The instrument's advised buckets if it has any, else defaults that suit its unit.</summary>
    private static double[] HistogramBounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        var bounds = advised?.Where(double.IsFinite).Distinct().Order().ToArray();
        if (bounds is { Length: > 0 })
        {
            return bounds;
        }

        return instrument.Unit == "s" ? _secondsBounds : _defaultBounds;
    }

    private enum RecordMode
    {
        Add,
        Set,
        Observe,
    }

    private sealed record Binding(MetricFamily Family, RecordMode Mode);
}
