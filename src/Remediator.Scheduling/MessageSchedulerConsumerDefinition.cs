using MassTransit;

namespace Remediator.Scheduling;

/// <summary>
/// The scheduler's queue (named by the endpoint name formatter, see
/// <see cref="SchedulingBusExtensions.GetSchedulerAddress"/>). Storing a timer is one database write;
/// retries cover a brief database outage before the request goes to the error queue.
/// </summary>
public sealed class MessageSchedulerConsumerDefinition : ConsumerDefinition<MessageSchedulerConsumer>
{
    public MessageSchedulerConsumerDefinition()
    {
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MessageSchedulerConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<NotSupportedException>();
            retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        });
    }
}
