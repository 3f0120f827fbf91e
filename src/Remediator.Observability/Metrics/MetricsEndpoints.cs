using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Remediator.Observability.Metrics;

/// <summary><c>GET /metrics</c>: the Prometheus text exposition of the engine's and MassTransit's meters.</summary>
public static class MetricsEndpoints
{
    public const string Route = "/metrics";

    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Resolved now, not at the first scrape: the listener only sees measurements made after it starts.
        endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        return endpoints.MapGet(Route, GetMetrics)
            .WithName("GetMetrics")
            .WithSummary("Prometheus text exposition (format 0.0.4).")
            .ExcludeFromDescription();
    }

    public static IResult GetMetrics(PrometheusExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        return TypedResults.Text(exporter.Scrape(), PrometheusExporter.ContentType);
    }
}
