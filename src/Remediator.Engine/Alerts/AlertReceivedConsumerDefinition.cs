using MassTransit;

namespace Remediator.Engine.Alerts;

/// <summary>
/// Retries transient failures (a publish that was not confirmed) a few times, spaced out, before
/// the alert goes to the error queue; bounded concurrency keeps a burst of alerts from
/// flooding the cluster with parallel remediations.
/// </summary>
public sealed class AlertReceivedConsumerDefinition : ConsumerDefinition<AlertReceivedConsumer>
{
    public AlertReceivedConsumerDefinition()
    {
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AlertReceivedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(
            TimeSpan.FromMilliseconds(200),
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(5)));
    }
}
