namespace Remediator.Guards.State;

/// <summary>A concurrency slot as the store holds it: the remediation run that took it, its target, and whether it acted.</summary>
public sealed record HeldSlot(Guid RemediationId, string TargetKey, bool Acted);
