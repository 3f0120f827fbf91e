using MassTransit;

namespace Remediator.Engine.Alerts;

/// <summary>
/// Retries transient failures (a publish that was not confirmed) a few times, spaced out, before
/// the alert goes to the error queue. Concurrency is bounded because matching is CPU work on a
/// small service: an alert storm (hundreds per group) should queue, not starve the webhook.
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
