namespace Remediator.Guards.State;

/// <summary>Everything one evaluation reads from the store, read together (one round trip in a database).</summary>
/// <param name="Pauses">Every pause, expired ones included.</param>
/// <param name="FiringTargets">Distinct targets that fired within the storm window, counted up to the limit asked for (at that limit: at least that many).</param>
/// <param name="StormMayBeEngaged">False only when the store knows no storm is engaged, so there is nothing to release.</param>
/// <param name="Active">The remediation already holds a concurrency slot.</param>
/// <param name="History">The target's last finish and its attempts within the attempt window.</param>
public sealed record GuardSnapshot(PauseSnapshot Pauses, int FiringTargets, bool StormMayBeEngaged, bool Active, TargetHistory History);
