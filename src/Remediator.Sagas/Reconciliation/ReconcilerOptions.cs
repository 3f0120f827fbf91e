namespace Remediator.Sagas.Reconciliation;

/// <summary>Section <c>Remediator:Reconciler</c>: how often every engine checks that no run is stuck, and how patient it is.</summary>
public sealed class ReconcilerOptions
{
    public const string SectionName = "Remediator:Reconciler";

    /// <summary>How often the unfinished runs, guard slots and escalations are checked. Default 1 minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long something must stay broken, unchanged, before it is repaired: a timer or message in
    /// flight (sent, not yet handled) must have had time to arrive, so this is well above a
    /// message's way from commit to handling. Default 2 minutes.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(2);
}
