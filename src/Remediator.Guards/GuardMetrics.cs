using System.Diagnostics.Metrics;

namespace Remediator.Guards;

/// <summary>The guards' instruments on the <c>Remediator</c> meter.</summary>
public sealed class GuardMetrics
{
    public const string MeterName = "Remediator";

    /// <summary>Dotted like the engine's other instruments; Prometheus exporters name it <c>remediator_guard_refusals_total</c>.</summary>
    public const string RefusalsName = "remediator.guard.refusals";

    private readonly Counter<long> _refusals;

    public GuardMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _refusals = meterFactory.Create(MeterName).CreateCounter<long>(RefusalsName, description: "Remediations the guards refused or braked, by reason.");
    }

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
