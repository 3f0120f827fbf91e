using System.Diagnostics.Metrics;
using Remediator.Engine.Rules;
using Remediator.Observability.Metrics;

namespace Remediator.Hosting;

/// <summary>The rule set's state as gauges, read from the provider at each scrape.</summary>
public sealed class RulesMetrics
{
    public RulesMetrics(IMeterFactory meterFactory, IRuleSetProvider provider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(provider);
        var meter = meterFactory.Create(RemediationMetrics.MeterName);
        meter.CreateObservableGauge("remediator.rules.loaded", () => provider.LoadedAt is null ? 0 : provider.Current.Count, description: "Rules in force.");
        meter.CreateObservableGauge(
            "remediator.rules.last_reload_success",
            () => provider.LastReload is { } status ? (status.Succeeded ? 1 : 0) : 0,
            description: "1 when the latest (re)load of the rule files succeeded, 0 when it failed (the earlier rules stay in force).");
        meter.CreateObservableGauge(
            "remediator.rules.last_reload_timestamp",
            () => provider.LastReload is { } status ? new[] { new Measurement<double>(status.At.ToUnixTimeMilliseconds() / 1000d) } : [],
            unit: "s",
            description: "When the rule files were last (re)loaded, successfully or not, as Unix time.");
    }
}
