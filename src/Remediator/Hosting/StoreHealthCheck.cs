using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Persistence;

namespace Remediator.Hosting;

/// <summary>The database answers a trivial query: without it no saga, claim or timer can be stored.</summary>
public sealed class StoreHealthCheck(IDatabaseConnectionFactory connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (System.Data.Common.DbException ex)
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.", ex);
        }
    }
}
