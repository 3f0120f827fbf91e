using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Intake.Reconcile;

namespace Remediator.Intake;

/// <summary>
/// The one way an alert enters the engine, whether a webhook notification carried it or the
/// reconciler found it at an Alertmanager: one <see cref="AlertReceived"/> per alert, keyed for
/// de-duplication, taken in by the <see cref="IAlertPublisher"/> (claimed and matched, its requests
/// committed to the outbox in one transaction), so a second arrival of the same occurrence is a no-op. With reconciling on, the firing
/// alerts of the reconciled receivers are also remembered in the <see cref="IFiringAlertLedger"/>.
/// </summary>
public sealed partial class AlertIntake(
    IAlertPublisher publisher,
    TimeProvider timeProvider,
    IOptions<AlertmanagerReconcileOptions> reconcile,
    ILogger<AlertIntake> logger,
    IFiringAlertLedger? ledger = null)
{
    /// <summary>Publishes the notification's alerts; returns once they are durable.</summary>
    /// <exception cref="AlertPublishException">The alerts could not be committed; nothing was taken.</exception>
    public async Task<IReadOnlyList<AlertReceived>> AcceptAsync(AlertmanagerNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var alerts = notification.ToAlertsReceived(timeProvider.GetUtcNow());
        await publisher.PublishAsync(alerts, cancellationToken);
        var settings = reconcile.Value;
        if (ledger is null || !settings.IsEnabled || !settings.Receivers.Contains(notification.Receiver, StringComparer.Ordinal))
        {
            return alerts;
        }

        try
        {
            await ledger.RecordAsync(alerts, cancellationToken);
        }
        catch (DbException ex)
        {
            // The alerts are durable already and the sender must not send them again. An unrecorded
            // firing alert is taken in once more by the next round (a no-op for the claims); an
            // unrecorded resolution is resolved once more by the round that no longer sees it.
            LogLedgerFailed(ex, alerts.Count, notification.Receiver);
        }

        return alerts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took in {AlertCount} alerts of receiver {Receiver} but could not record them for reconciling; the next round repeats the work")]
    private partial void LogLedgerFailed(Exception exception, int alertCount, string receiver);
}
