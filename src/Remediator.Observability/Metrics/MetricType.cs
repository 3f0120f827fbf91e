namespace Remediator.Observability.Metrics;

/// <summary>The Prometheus types an instrument maps to: up-down counters and gauges are both gauges.</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
