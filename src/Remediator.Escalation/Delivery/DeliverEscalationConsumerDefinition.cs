using MassTransit;

namespace Remediator.Escalation.Delivery;

/// <summary>
/// The delivery queue. Channel errors are retried inside the channel (Polly, honouring
/// Retry-After); this retry only covers the unexpected (e.g. the bus refusing the report), and the
/// deliveries of one tier run side by side so a slow channel does not hold up the others.
/// </summary>
public sealed class DeliverEscalationConsumerDefinition : ConsumerDefinition<DeliverEscalationConsumer>
{
    public DeliverEscalationConsumerDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliverEscalationConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
