using MassTransit;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Publishes a message the engine originates outside any consumer (an API command: approve,
/// cancel, restore, acknowledge) through the <see cref="TransactionalOutbox"/>: when
/// <see cref="PublishAsync{T}"/> returns, the message is committed in the engine's database and
/// the dispatcher publishes it, so an endpoint's <c>202</c> survives a crash right after it.
/// </summary>
public sealed class OutboxPublisher(TransactionalOutbox outbox, IBus bus)
{
    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        return outbox.SendAsync([message], PublishAddress<T>(), cancellationToken);
    }

    /// <summary>
    /// Publishes <paramref name="message"/> inside the open unit of work (see
    /// <see cref="TransactionalOutbox.PublishInUnitOfWorkAsync{T}"/>); the caller wakes the outbox once committed.
    /// </summary>
    public Task PublishInUnitOfWorkAsync<T>(T message, CancellationToken cancellationToken)
        where T : class =>
        outbox.PublishInUnitOfWorkAsync(message, PublishAddress<T>(), cancellationToken);

    private Uri PublishAddress<T>()
        where T : class =>
        bus.Topology.Publish<T>().TryGetPublishAddress(bus.Address, out var publishAddress)
            ? publishAddress
            : throw new InvalidOperationException($"The bus has no publish address for {typeof(T).Name}.");
}
