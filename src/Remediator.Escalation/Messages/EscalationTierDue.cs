namespace Remediator.Escalation.Messages;

/// <summary>The scheduled timer: the current tier did not acknowledge in time, page the next.</summary>
public sealed record EscalationTierDue
{
    public required Guid RemediationId { get; init; }

    /// <summary>The tier to page (0-based).</summary>
    public required int Tier { get; init; }
}
