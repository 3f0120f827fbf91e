using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Escalation.Policies;

namespace Remediator.Hosting;

/// <summary>Degraded (still paging with the policies in force) when the latest reload of escalation.yaml failed, e.g. the file went missing.</summary>
public sealed class EscalationPoliciesHealthCheck(IEscalationPolicyProvider provider) : IHealthCheck
{
    // A failed first load stops the engine (EscalationPolicyProvider.StartAsync), so a failed status here always has policies in force.
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReloadHealth.Of(
            "escalation policies",
            provider.LastReload is { } status ? (status.Succeeded, status.PolicyCount, status.Errors.Count) : null,
            loaded: provider.LastReload is not null));
}
