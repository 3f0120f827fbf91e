using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Scheduling.Outbox;

namespace Remediator.Scheduling;

/// <summary>
/// Puts the durable scheduler behind MassTransit's message-scheduler contract: <c>IMessageScheduler</c>,
/// <c>context.ScheduleSend</c> and a state machine's <c>Schedule</c>/<c>Unschedule</c> all send
/// <c>ScheduleMessage</c>/<c>CancelScheduledMessage</c> to the scheduler queue.
/// </summary>
public static class SchedulingBusExtensions
{
    /// <summary>The scheduler queue's address, as <paramref name="formatter"/> names the <see cref="MessageSchedulerConsumer"/> endpoint.</summary>
    public static Uri GetSchedulerAddress(this IEndpointNameFormatter formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        return new Uri($"queue:{formatter.Consumer<MessageSchedulerConsumer>()}");
    }

    /// <summary>
    /// The scheduler consumer (its queue comes with <c>ConfigureEndpoints</c>) and <c>IMessageScheduler</c>
    /// sending to it. Pair with <see cref="UseRemediatorMessageScheduler"/> on the transport, with the same formatter
    /// the bus uses, and register the store and dispatcher with <see cref="SchedulingHostingExtensions.AddRemediatorScheduling"/>.
    /// </summary>
    public static IBusRegistrationConfigurator AddRemediatorMessageScheduler(this IBusRegistrationConfigurator bus, IEndpointNameFormatter formatter)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<MessageSchedulerConsumer, MessageSchedulerConsumerDefinition>();
        bus.AddMessageScheduler(formatter.GetSchedulerAddress());
        return bus;
    }

    /// <summary>
    /// Puts every consumer and saga on the bus behind the <see cref="TransactionalOutbox"/> (call
    /// before <c>ConfigureEndpoints</c>): each message is handled in one database transaction with
    /// everything it sends and schedules. Their definitions keep their retries and need no outbox of
    /// their own.
    /// </summary>
    public static void UseTransactionalOutbox(this IBusFactoryConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var observer = new TransactionalOutboxConfigurationObserver(
            context.GetRequiredService<TransactionalOutbox>(),
            context.GetRequiredService<DurableConsumers>());
        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }

    /// <summary>Gives consumers and sagas a scheduler context (what a state machine's <c>Schedule</c> uses) aimed at the scheduler queue.</summary>
    public static void UseRemediatorMessageScheduler(this IBusFactoryConfigurator configurator, IEndpointNameFormatter formatter)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.UseMessageScheduler(formatter.GetSchedulerAddress());
    }
}
