namespace Remediator.Sagas.Reconciliation;

/// <summary>
/// The kinds of repair of the remediation runs and their slots, as the <c>kind</c> label of
/// <c>remediator_reconciler_repairs_total</c>; a module's own repairs name theirs
/// (<c>escalation-timer</c>: <c>EscalationReconciler.TierTimerKind</c>).
/// </summary>
public static class ReconcilerRepairs
{
    /// <summary>A waiting run's timer (execution deadline, verification window, approval, root wait) was missing: armed again for when it was due.</summary>
    public const string Timer = "timer";

    /// <summary>At start on the in-memory transport: a run's steps died with the previous process; its attempt is closed at once and verification decides.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>
    /// At start on the in-memory transport: a run's routing slip was lost before its first step began
    /// (nothing acted); it is escalated at once rather than sent again on a stale guards' decision.
    /// </summary>
    public const string StepsLost = "steps-lost";

    /// <summary>A run that nothing can move on (no timer can be armed for its state) was escalated.</summary>
    public const string Escalated = "escalated";

    /// <summary>A concurrency slot (<c>guard_active</c>) held by no unfinished run, its run ended or unknown, was released after the grace period.</summary>
    public const string Slot = "slot";
}
