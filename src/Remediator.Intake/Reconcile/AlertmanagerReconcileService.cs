using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Remediator.Intake.Reconcile;

/// <summary>
/// Runs a reconcile round as the engine starts, then every <see cref="AlertmanagerReconcileOptions.Interval"/>,
/// and at once when the webhook asks (<see cref="AlertmanagerReconcileTrigger"/>). A failed round is
/// logged and the next one tries again; nothing here stops the engine.
/// </summary>
public sealed partial class AlertmanagerReconcileService(
    IServiceProvider services,
    AlertmanagerReconcileTrigger trigger,
    IOptions<AlertmanagerReconcileOptions> options,
    TimeProvider timeProvider,
    ILogger<AlertmanagerReconcileService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.IsEnabled)
        {
            LogOff(AlertmanagerReconcileOptions.Key(nameof(AlertmanagerReconcileOptions.Alertmanagers)));
            return;
        }

        // Resolved only when on: its peers hold HTTP clients and read certificate files.
        var reconciler = services.GetRequiredService<AlertmanagerReconciler>();
        LogOn(string.Join(", ", reconciler.Peers.Select(peer => peer.Name)), string.Join(", ", settings.Receivers), settings.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await reconciler.ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is AlertPublishException or DbException or InvalidDataException)
            {
                LogRoundFailed(ex, settings.Interval);
            }

            await NextRoundAsync(settings.Interval, stoppingToken);
        }
    }

    /// <summary>Waits for the interval or a request, whichever comes first.</summary>
    private async Task NextRoundAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var tick = Task.Delay(interval, timeProvider, wait.Token);
        var requested = trigger.WaitAsync(wait.Token);
        await Task.WhenAny(tick, requested);

        // The other wait is cancelled (a cancelled task raises nothing unobserved); a stop ends the loop.
        await wait.CancelAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciling with Alertmanager is off: no Alertmanager in {Setting}")]
    private partial void LogOff(string setting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciling with Alertmanager {Alertmanagers} for receiver(s) {Receivers} at start-up and every {Interval}")]
    private partial void LogOn(string alertmanagers, string receivers, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Error, Message = "A reconcile round failed; the next one runs within {Interval}")]
    private partial void LogRoundFailed(Exception exception, TimeSpan interval);
}
