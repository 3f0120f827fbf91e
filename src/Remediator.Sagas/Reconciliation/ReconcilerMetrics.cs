using System.Diagnostics.Metrics;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Reconciliation;

/// <summary>What the reconciler repaired, on the <c>Remediator</c> meter: <c>remediator_reconciler_repairs_total{kind}</c>.</summary>
public sealed class ReconcilerMetrics
{
    public const string RepairsName = "remediator.reconciler.repairs";

    private readonly Counter<long> _repairs;

    public ReconcilerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _repairs = meterFactory.Create(RemediationStepMetrics.MeterName).CreateCounter<long>(
            RepairsName,
            description: "Repairs of the invariant that every unfinished run has a timer or a message in flight, by kind (timer, interrupted, steps-lost, escalated, slot, escalation-timer).");
    }

    public void Repaired(string kind) => _repairs.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
