using Remediator.Contracts;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Messages;

/// <summary>Deliver one message to one channel (a queue of its own, so delivery is durable and retried apart from the saga).</summary>
public sealed record DeliverEscalation
{
    /// <summary>Stable for the same (remediation, channel, kind, tier): a redelivered command is the same delivery.</summary>
    public required Guid DeliveryId { get; init; }

    public required Guid RemediationId { get; init; }

    /// <summary>The channel as the policy defined it when the escalation started (secrets by name only).</summary>
    public required ChannelDefinition Channel { get; init; }

    public required DeliveryKind Kind { get; init; }

    /// <summary>0-based tier index; -1 for notify deliveries.</summary>
    public int Tier { get; init; }

    public string? TierName { get; init; }

    /// <summary>The tier's contacts, as shown to people.</summary>
    public IReadOnlyList<string> Contacts { get; init; } = [];

    public required EscalationNotice Notice { get; init; }

    /// <summary>Who acknowledged, why it resolved, or the notify step's message.</summary>
    public string? Note { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>For a <c>notify</c> step's delivery: the request, so its outcome goes back to the run.</summary>
    public RemediationNotificationRequested? Notification { get; init; }
}
