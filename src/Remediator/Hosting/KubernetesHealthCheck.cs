using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;

namespace Remediator.Hosting;

/// <summary>
/// The Kubernetes API answers, or there is deliberately no cluster (dry-run). The probe reads
/// <c>/version</c>: authenticated, as cheap as a request gets, and readable by every identity
/// through the cluster's bootstrap role system:public-info-viewer, so it needs nothing from the
/// engine's own least-privilege roles (a list of nodes, say, would be a 403 on every probe).
/// Any answer counts, an error Status included: readiness is about reaching the API server,
/// the credentials and RBAC are the actions' business, and they say so when refused.
/// </summary>
public sealed class KubernetesHealthCheck(ResolvedConnection connection, IKubernetesReader kubernetes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection.Connection is null)
        {
            return HealthCheckResult.Healthy($"No cluster: {connection.Description}.");
        }

        try
        {
            await kubernetes.GetVersionAsync(cancellationToken);
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
