using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Channels;

/// <summary>Sends deliveries to one kind of channel. Retries happen inside; the result is final.</summary>
public interface IEscalationChannel
{
    ChannelType Type { get; }

    Task<DeliveryResult> SendAsync(DeliverEscalation delivery, CancellationToken cancellationToken);
}
