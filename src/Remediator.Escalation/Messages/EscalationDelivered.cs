namespace Remediator.Escalation.Messages;

/// <summary>A delivery finished: delivered, or given up on (the channel is dead for this message).</summary>
public sealed record EscalationDelivered
{
    public required Guid DeliveryId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string Channel { get; init; }

    public required DeliveryKind Kind { get; init; }

    public int Tier { get; init; }

    public required bool Succeeded { get; init; }

    /// <summary>What happened, e.g. <c>202 Accepted after 2 attempts</c>; never a secret.</summary>
    public required string Detail { get; init; }

    public required DateTimeOffset At { get; init; }
}
