using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Engine.Rules;

namespace Remediator.Hosting;

/// <summary>Degraded (still serving the last good rules) when the latest reload failed.</summary>
public sealed class RulesHealthCheck(IRuleSetProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = provider.LastReload switch
        {
            null => HealthCheckResult.Unhealthy("The rules have not been loaded yet."),
            { Succeeded: true } status => HealthCheckResult.Healthy($"{status.RuleCount} rules loaded."),
            var status when provider.LoadedAt is null => HealthCheckResult.Unhealthy($"The rules failed to load: {status.Errors.Count} errors."),
            var status => HealthCheckResult.Degraded($"The last reload failed with {status.Errors.Count} errors; {status.RuleCount} earlier rules stay in force."),
        };
        return Task.FromResult(result);
    }
}
