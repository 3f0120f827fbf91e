using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Escalation.Policies;

namespace Remediator.Hosting;

/// <summary>Degraded (still paging with the policies in force) when the latest reload of escalation.yaml failed, e.g. the file went missing.</summary>
public sealed class EscalationPoliciesHealthCheck(IEscalationPolicyProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = provider.LastReload switch
        {
            null => HealthCheckResult.Unhealthy("The escalation policies have not been loaded yet."),
            { Succeeded: true } status => HealthCheckResult.Healthy($"{status.PolicyCount} escalation policies loaded."),
            var status => HealthCheckResult.Degraded($"The last reload of the escalation policies failed with {status.Errors.Count} errors; {status.PolicyCount} earlier policies stay in force."),
        };
        return Task.FromResult(result);
    }
}
