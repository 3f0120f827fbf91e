using MassTransit;
using MassTransit.Configuration;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Adds the <see cref="TransactionalConsumeFilter{TMessage}"/> to every consumer and saga message
/// pipe on the bus (but a <see cref="StatelessConsumerAttribute"/> one's) and counts the durable
/// consumers per message type. (Courier activities are not consumers: their steps keep their own
/// journal, and a lost routing slip is caught by the reconciler at start or the run's
/// execution deadline.)
/// </summary>
internal sealed class TransactionalOutboxConfigurationObserver(TransactionalOutbox outbox, DurableConsumers consumers) :
    IConsumerConfigurationObserver,
    ISagaConfigurationObserver
{
    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class
    {
        if (Attribute.IsDefined(typeof(TConsumer), typeof(StatelessConsumerAttribute)))
        {
            return;
        }

        if (configurator is not IConsumerMessageConfigurator<TMessage> message)
        {
            throw new ConfigurationException($"The transactional outbox cannot be added to {typeof(TConsumer).Name}'s {typeof(TMessage).Name} pipe.");
        }

        message.UseFilter(new TransactionalConsumeFilter<TMessage>(outbox, ConsumerName<TConsumer>(), IsOutsideUnitOfWork<TConsumer>()));
        consumers.Add<TMessage>();
    }

    public void SagaConfigured<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
    }

    public void StateMachineSagaConfigured<TInstance>(ISagaConfigurator<TInstance> configurator, SagaStateMachine<TInstance> stateMachine)
        where TInstance : class, ISaga, SagaStateMachineInstance
    {
    }

    public void SagaMessageConfigured<TSaga, TMessage>(ISagaMessageConfigurator<TSaga, TMessage> configurator)
        where TSaga : class, ISaga
        where TMessage : class
    {
        if (configurator is not ISagaMessageConfigurator<TMessage> message)
        {
            throw new ConfigurationException($"The transactional outbox cannot be added to {typeof(TSaga).Name}'s {typeof(TMessage).Name} pipe.");
        }

        message.UseFilter(new TransactionalConsumeFilter<TMessage>(outbox, ConsumerName<TSaga>(), outsideUnitOfWork: false));
        consumers.Add<TMessage>();
    }

    private static bool IsOutsideUnitOfWork<T>() => Attribute.IsDefined(typeof(T), typeof(OutsideUnitOfWorkAttribute));

    // The inbox keys on it, so it must not change between releases for the same consumer.
    private static string ConsumerName<T>() => typeof(T).FullName ?? typeof(T).Name;
}
