using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Remediator.Sagas.Reconciliation;

/// <summary>
/// Runs the <see cref="RemediationReconciler"/> at start and then every
/// <see cref="ReconcilerOptions.Interval"/>, on every engine replica. The first pass runs while the
/// host starts, after the schema migration and before any other hosted service (the bus and the
/// outbox's dispatcher included): nothing of this process is in flight yet, so what the previous
/// process left in its in-memory queues is told apart from what this one is about to send.
/// </summary>
public sealed partial class ReconcilerService(
    RemediationReconciler reconciler,
    IOptions<ReconcilerOptions> options,
    TimeProvider timeProvider,
    ILogger<ReconcilerService> logger) : BackgroundService, IHostedLifecycleService
{
    // When this process started, until a pass that knew it succeeded.
    private DateTimeOffset? _startedAt;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        _startedAt = timeProvider.GetUtcNow();
        await PassAsync(cancellationToken);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.Interval, timeProvider, stoppingToken);
            await PassAsync(stoppingToken);
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        try
        {
            await reconciler.ReconcileAsync(_startedAt, cancellationToken);
            _startedAt = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be briefly unreachable; nothing was half done (each repair is one
            // commit), and the next pass looks again (still knowing the start if this was the first).
            LogPassFailed(ex, options.Value.Interval);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reconciler pass failed; the next one runs in {Interval}")]
    private partial void LogPassFailed(Exception exception, TimeSpan interval);
}
