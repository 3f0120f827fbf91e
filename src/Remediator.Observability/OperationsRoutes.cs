using Microsoft.AspNetCore.Http;
using Remediator.Observability.Health;
using Remediator.Observability.Metrics;

namespace Remediator.Observability;

/// <summary>The routes probes and scrapers call every few seconds.</summary>
public static class OperationsRoutes
{
    /// <summary>
    /// <c>/healthz</c>, <c>/readyz</c> or <c>/metrics</c>: requests that say nothing when they
    /// succeed, so they are neither traced nor logged at the default level.
    /// </summary>
    public static bool IsProbeOrScrape(PathString path) =>
        path.Equals(HealthEndpoints.LivenessRoute, StringComparison.OrdinalIgnoreCase)
        || path.Equals(HealthEndpoints.ReadinessRoute, StringComparison.OrdinalIgnoreCase)
        || path.Equals(MetricsEndpoints.Route, StringComparison.OrdinalIgnoreCase);
}
