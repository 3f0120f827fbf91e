using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Engine.Rules;

namespace Remediator.Hosting;

/// <summary>Degraded (still serving the last good rules) when the latest reload failed, including one that found no rules.</summary>
public sealed class RulesHealthCheck(IRuleSetProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReloadHealth.Of(
            "rules",
            provider.LastReload is { } status ? (status.Succeeded, status.RuleCount, status.Errors.Count) : null,
            provider.LoadedAt is not null));
}
