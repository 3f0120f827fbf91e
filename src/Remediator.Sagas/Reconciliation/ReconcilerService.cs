using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Remediator.Sagas.Reconciliation;

/// <summary>
/// Runs the <see cref="RemediationReconciler"/> at start and then every
/// <see cref="ReconcilerOptions.Interval"/>, on every engine replica. The start is taken before any
/// hosted service starts (the bus included), so the first pass tells the previous process's runs
/// from this one's.
/// </summary>
public sealed partial class ReconcilerService(
    RemediationReconciler reconciler,
    IOptions<ReconcilerOptions> options,
    TimeProvider timeProvider,
    ILogger<ReconcilerService> logger) : BackgroundService, IHostedLifecycleService
{
    private DateTimeOffset _startedAt;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _startedAt = timeProvider.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? startedAt = _startedAt;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await reconciler.ReconcileAsync(startedAt, stoppingToken);
                startedAt = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be briefly unreachable; nothing was half done (each repair is one
                // commit), and the next pass looks again.
                LogPassFailed(ex, options.Value.Interval);
            }

            await Task.Delay(options.Value.Interval, timeProvider, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reconciler pass failed; the next one runs in {Interval}")]
    private partial void LogPassFailed(Exception exception, TimeSpan interval);
}
