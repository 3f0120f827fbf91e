using MassTransit;

namespace Remediator.Engine.Remediations;

/// <summary>Recording is in-process and cheap; a short retry covers a momentary failure.</summary>
public sealed class RemediationRequestedConsumerDefinition : ConsumerDefinition<RemediationRequestedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RemediationRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(retry => retry.Immediate(3));
    }
}
