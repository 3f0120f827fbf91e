namespace Remediator.Persistence.Reconciliation;

/// <summary>
/// A module's repair of the state it owns, run by the engine's reconciler on each of its passes
/// (at start, then every interval, on every replica), so a module repairs its own tables without
/// the reconciler knowing them. A repair must be safe on several replicas at once (claim what it
/// repairs at the version it inspected, in the repair's own commit) and log each repair saying why.
/// </summary>
public interface IReconcilerRepair
{
    /// <summary>One pass; returns the kind of each repair it made, which the reconciler counts in <c>remediator_reconciler_repairs_total{kind}</c>.</summary>
    Task<IReadOnlyList<string>> RepairAsync(ReconcilerPass pass, CancellationToken cancellationToken);
}
