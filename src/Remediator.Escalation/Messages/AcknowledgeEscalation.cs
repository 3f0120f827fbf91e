namespace Remediator.Escalation.Messages;

/// <summary>A human took the escalation: stop paging further tiers and acknowledge where the channel can.</summary>
public sealed record AcknowledgeEscalation
{
    public required Guid RemediationId { get; init; }

    public string? By { get; init; }

    public string? Comment { get; init; }

    public required DateTimeOffset At { get; init; }
}
