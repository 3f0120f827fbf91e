using System.Diagnostics.Metrics;
using Remediator.Intake;

namespace Remediator.Engine;

/// <summary>The engine's instruments on the <c>Remediator</c> meter.</summary>
public sealed class RemediatorMetrics
{
    public const string MeterName = IntakeMetrics.MeterName;

    private readonly Counter<long> _ruleReloads;
    private readonly Counter<long> _duplicateAlerts;
    private readonly Counter<long> _unresolvedTargets;
    private readonly Counter<long> _remediationsRequested;
    private readonly Counter<long> _remediationsJoined;

    public RemediatorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _ruleReloads = meter.CreateCounter<long>("remediator.rules.reloads", description: "Rule set loads, by outcome (success, failure).");
        _duplicateAlerts = meter.CreateCounter<long>("remediator.alerts.duplicates", description: "Alert deliveries dropped as duplicates of an occurrence already claimed (only alerts a rule concerns are claimed).");
        _unresolvedTargets = meter.CreateCounter<long>("remediator.targets.unresolved", description: "Rule matches whose targets could not be resolved from the alert.");
        _remediationsRequested = meter.CreateCounter<long>("remediator.remediations.requested", description: "RemediationRequested messages published.");
        _remediationsJoined = meter.CreateCounter<long>("remediator.remediations.joined", description: "Alerts that joined their rule and target's active run at the webhook, without a RemediationRequested message.");
    }

    public void RuleReload(bool succeeded) =>
        _ruleReloads.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));

    public void DuplicateAlert() => _duplicateAlerts.Add(1);

    public void UnresolvedTarget(string ruleName) =>
        _unresolvedTargets.Add(1, new KeyValuePair<string, object?>("rule", ruleName));

    public void RemediationRequested(string ruleName) =>
        _remediationsRequested.Add(1, new KeyValuePair<string, object?>("rule", ruleName));

    public void RemediationJoined(string ruleName) =>
        _remediationsJoined.Add(1, new KeyValuePair<string, object?>("rule", ruleName));
}
