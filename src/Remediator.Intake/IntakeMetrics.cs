using System.Diagnostics.Metrics;

namespace Remediator.Intake;

/// <summary>The webhook's instruments on the <c>Remediator</c> meter.</summary>
public sealed class IntakeMetrics
{
    /// <summary>The one meter every Remediator instrument lives on.</summary>
    public const string MeterName = "Remediator";

    private readonly Counter<long> _notifications;
    private readonly Counter<long> _alertsAccepted;

    public IntakeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _notifications = meter.CreateCounter<long>(
            "remediator.webhook.notifications",
            description: "Webhook notifications, by outcome (accepted, invalid, unauthorized, unsupported_media_type, too_large, client_timeout, bus_unavailable, backlog_full, draining).");
        _alertsAccepted = meter.CreateCounter<long>("remediator.webhook.alerts_accepted", description: "Alerts handed to the bus.");
    }

    public void Accepted(int alerts)
    {
        Notification("accepted");
        _alertsAccepted.Add(alerts);
    }

    public void Rejected(string outcome) => Notification(outcome);

    private void Notification(string outcome) =>
        _notifications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
