using System.Diagnostics.Metrics;
using Remediator.Escalation.Messages;

namespace Remediator.Escalation;

/// <summary>Escalation instruments on the <c>Remediator</c> meter.</summary>
public sealed class EscalationMetrics
{
    public const string MeterName = "Remediator";

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _tiers;
    private readonly Counter<long> _reloads;

    public EscalationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("remediator.escalations", description: "Escalation deliveries by channel, kind (trigger, acknowledge, resolve, notify) and outcome (delivered, failed).");
        _tiers = meter.CreateCounter<long>("remediator.escalation.tiers", description: "Escalation tiers paged, by policy and outcome (paged, unrouted).");
        _reloads = meter.CreateCounter<long>("remediator.escalation.reloads", description: "Escalation policy loads, by outcome (success, failure).");
    }

    public void Delivery(string channel, DeliveryKind kind, bool succeeded) =>
        _deliveries.Add(
            1,
            new KeyValuePair<string, object?>("channel", channel),
            new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("outcome", succeeded ? "delivered" : "failed"));

    public void TierPaged(string? policy, bool routed) =>
        _tiers.Add(1, new KeyValuePair<string, object?>("policy", policy ?? "none"), new KeyValuePair<string, object?>("outcome", routed ? "paged" : "unrouted"));

    public void Reload(bool succeeded) =>
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
}
