namespace Remediator.Observability.Metrics;

/// <summary>One labelled time series of a family: a value (counter, gauge) or histogram buckets.</summary>
internal sealed class MetricSeries
{
    private readonly Lock _gate = new();
    private readonly double[]? _bounds;
    private readonly long[]? _buckets;
    private double _value;
    private double _sum;
    private long _count;

    public MetricSeries(string labels, double[]? bounds)
    {
        Labels = labels;
        _bounds = bounds;

        // One more than the bounds: the +Inf bucket.
        _buckets = bounds is null ? null : new long[bounds.Length + 1];
    }

    /// <summary>Rendered and escaped, sorted by name, without braces: <c>outcome="success",rule="x"</c>.</summary>
    public string Labels { get; }

    public void Add(double delta)
    {
        lock (_gate)
        {
            _value += delta;
        }
    }

    public void Set(double value)
    {
        lock (_gate)
        {
            _value = value;
        }
    }

    public void Observe(double value)
    {
        var bucket = BucketOf(value);
        lock (_gate)
        {
            _buckets![bucket]++;
            _sum += value;
            _count++;
        }
    }

    public double Value
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
    }

    /// <summary>Copies the per-bucket (not yet cumulative) counts into <paramref name="buckets"/>.</summary>
    public (double Sum, long Count) CopyHistogram(Span<long> buckets)
    {
        lock (_gate)
        {
            _buckets.AsSpan().CopyTo(buckets);
            return (_sum, _count);
        }
    }

    private int BucketOf(double value)
    {
        // Buckets are "less than or equal": a value on a bound belongs to that bound's bucket.
        var index = Array.BinarySearch(_bounds!, value);
        return index >= 0 ? index : ~index;
    }
}
