using MassTransit;

namespace Remediator.Scheduling.Outbox;

/// <summary>Puts one consumer's (or saga's) handling of <typeparamref name="TMessage"/> behind the <see cref="TransactionalOutbox"/>.</summary>
internal sealed class TransactionalConsumeFilter<TMessage>(TransactionalOutbox outbox, string consumer, bool outsideUnitOfWork) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next) =>
        outsideUnitOfWork
            ? outbox.ConsumeThenAcknowledgeAsync(context, consumer, next)
            : outbox.ConsumeAsync(context, consumer, next);

    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateFilterScope("transactional-outbox").Add("consumer", consumer);
    }
}
