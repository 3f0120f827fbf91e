using System.Diagnostics.Metrics;

namespace Remediator.Intake.Reconcile;

/// <summary>The reconciler's instruments on the <c>Remediator</c> meter (docs/operations.md).</summary>
public sealed class AlertmanagerReconcileMetrics
{
    /// <summary>Taken in by the reconciler: the webhook never delivered it (max_alerts, a fresh or restored engine).</summary>
    public const string Recovered = "recovered";

    /// <summary>Listed, and already taken in (by the webhook or an earlier round): nothing done.</summary>
    public const string AlreadyKnown = "already_known";

    /// <summary>Listed, but failed the webhook's validation: left out, with a warning naming the field.</summary>
    public const string Invalid = "invalid";

    private const string AlertmanagerLabel = "alertmanager";

    private readonly Counter<long> _alerts;
    private readonly Counter<long> _resolved;
    private readonly Counter<long> _peerErrors;

    public AlertmanagerReconcileMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(IntakeMetrics.MeterName);
        _alerts = meter.CreateCounter<long>(
            "remediator.reconcile.alerts",
            description: "Firing alerts read from an Alertmanager by reconciling, by peer and outcome (recovered, already_known, invalid); an alert several peers list counts for the first of them.");
        _resolved = meter.CreateCounter<long>(
            "remediator.reconcile.resolved",
            description: "Alerts the engine took in firing that no reachable Alertmanager listed any more, taken in as resolved, by peer (the first reachable one in configuration order, whose listing decided it).");
        _peerErrors = meter.CreateCounter<long>(
            "remediator.reconcile.peer_errors",
            description: "Reconcile rounds in which an Alertmanager gave no alert list, by peer and reason (unreachable, timeout, http_status, invalid_response, credentials).");
    }

    public void Alerts(string alertmanager, string outcome, int count)
    {
        if (count > 0)
        {
            _alerts.Add(count, new(AlertmanagerLabel, alertmanager), new("outcome", outcome));
        }
    }

    public void Resolved(string alertmanager, int count)
    {
        if (count > 0)
        {
            _resolved.Add(count, new KeyValuePair<string, object?>(AlertmanagerLabel, alertmanager));
        }
    }

    public void PeerError(string alertmanager, string reason) =>
        _peerErrors.Add(1, new(AlertmanagerLabel, alertmanager), new("reason", reason));
}
