namespace Remediator.Contracts;

/// <summary>One transition (or notable event) of a remediation: when, into which state, and why.</summary>
public sealed record RemediationTimelineEntry
{
    public required DateTimeOffset At { get; init; }

    public required string State { get; init; }

    public required string Reason { get; init; }
}
