using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Persistence;

namespace Remediator.Engine.Alerts;

/// <summary>Deletes expired alert claims every <see cref="PersistenceOptions.PurgeInterval"/>, so the table stays the size of one window.</summary>
internal sealed class AlertClaimPurgeService(
    DatabaseAlertClaims claims,
    IOptions<PersistenceOptions> options,
    TimeProvider timeProvider,
    ILogger<AlertClaimPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await claims.PurgeExpiredAsync(stoppingToken);
                logger.LogDebug("Purged {Count} expired alert claims", purged);
            }
            catch (DbException ex)
            {
                // Expired claims are harmless (a claim takes an expired row over); the next tick retries.
                logger.LogWarning(ex, "Purging expired alert claims failed; retrying in {Interval}", options.Value.PurgeInterval);
            }
        }
    }
}
