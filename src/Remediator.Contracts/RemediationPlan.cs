namespace Remediator.Contracts;

/// <summary>Everything a rule decided for one target, snapshotted so a later rule reload cannot change a running remediation.</summary>
public sealed record RemediationPlan
{
    public required IReadOnlyList<PlannedStep> Steps { get; init; }

    public VerificationPlan? Verification { get; init; }

    public IReadOnlyList<LadderRung> Ladder { get; init; } = [];

    /// <summary>Whether a failed step climbs <see cref="Ladder"/> like a failed verification (default) or escalates at once.</summary>
    public StepFailure OnStepFailure { get; init; }

    /// <summary>P1 (critical) to P4 (low), as in the PetClinic runbook.</summary>
    public required string Severity { get; init; }

    public string? EscalationPolicy { get; init; }

    public required SafetyPolicy Safety { get; init; }
}
