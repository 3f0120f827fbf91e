namespace Remediator.Persistence.Reconciliation;

/// <summary>What a <see cref="IReconcilerRepair"/> is told about the reconciler's pass.</summary>
/// <param name="StartedAt">On the pass that follows a start, when this process started: state not touched since is the previous process's. Null on later passes.</param>
/// <param name="Grace">How long something must stay broken, unchanged, before it is repaired (<c>Remediator:Reconciler:Grace</c>).</param>
public sealed record ReconcilerPass(DateTimeOffset? StartedAt, TimeSpan Grace);
