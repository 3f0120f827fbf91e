using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Remediator.Hosting;

/// <summary>Not ready once the engine is stopping: a load balancer sends the next request elsewhere.</summary>
public sealed class DrainingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("draining: the engine is shutting down")
            : HealthCheckResult.Healthy("The engine is running."));
}
