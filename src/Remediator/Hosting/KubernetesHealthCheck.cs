using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;

namespace Remediator.Hosting;

/// <summary>
/// The Kubernetes API answers, or there is deliberately no cluster (dry-run). Any answer counts,
/// a 403 included: readiness is about reaching the API server, the RBAC is the actions' business.
/// </summary>
public sealed class KubernetesHealthCheck(ResolvedConnection connection, IKubernetesReader kubernetes) : IHealthCheck
{
    /// <summary>Matches nothing, so the probe lists no objects however big the cluster.</summary>
    private const string NoMatchSelector = "remediator.io/readiness-probe=none";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection.Connection is null)
        {
            return HealthCheckResult.Healthy($"No cluster: {connection.Description}.");
        }

        try
        {
            await kubernetes.ListAsync(KubernetesResource.Nodes, null, NoMatchSelector, cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy($"Kubernetes API reachable{(connection.DryRun ? " (dry-run)" : string.Empty)}.");
        }
        catch (KubernetesApiException ex)
        {
            return HealthCheckResult.Healthy($"Kubernetes API reachable (answered {(int)ex.StatusCode} {ex.Reason}).");
        }
        catch (KubernetesUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy("The Kubernetes API cannot be reached.", ex);
        }
    }
}
