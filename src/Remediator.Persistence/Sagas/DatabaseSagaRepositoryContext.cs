using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// What MassTransit's saga pipeline asks of the store while one message is handled: load or
/// create the instance, then write it back. A write that finds a newer version than the one it
/// read throws <see cref="ConcurrencyException"/>; the endpoint's message retry then handles
/// the message again against the fresh instance.
/// </summary>
internal sealed class DatabaseSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly DatabaseSagaSession<TSaga> _session;
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly ISagaConsumeContextFactory<DatabaseSagaSession<TSaga>, TSaga> _factory;

    public DatabaseSagaRepositoryContext(
        DatabaseSagaSession<TSaga> session,
        ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<DatabaseSagaSession<TSaga>, TSaga> factory)
        : base(consumeContext, session)
    {
        _session = session;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_session, consumeContext, instance, mode);

    // Nothing is written yet: Save follows when the new instance has handled the message.
    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_session, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!await _session.Store.TryInsertAsync(instance, CancellationToken))
        {
            // It exists already: MassTransit loads it instead.
            return null!;
        }

        _session.Loaded(instance, 1);
        return await _factory.CreateSagaConsumeContext(_session, _consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        if (await _session.Store.LoadAsync(correlationId, CancellationToken) is not var (instance, version))
        {
            return null!;
        }

        _session.Loaded(instance, version);
        return await _factory.CreateSagaConsumeContext(_session, _consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!await _session.Store.TryInsertAsync(context.Saga, CancellationToken))
        {
            // Another message (or engine) created the same instance meanwhile.
            throw Conflict(context.Saga, "was created concurrently");
        }

        _session.Loaded(context.Saga, 1);
    }

    public async Task Update(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var expected = _session.VersionOf(context.Saga);
        if (!await _session.Store.TryUpdateAsync(context.Saga, expected, CancellationToken))
        {
            throw Conflict(context.Saga, $"changed since version {expected} was read");
        }

        _session.Loaded(context.Saga, expected + 1);
    }

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var expected = _session.VersionOf(context.Saga);
        if (!await _session.Store.TryDeleteAsync(context.Saga.CorrelationId, expected, CancellationToken))
        {
            throw Conflict(context.Saga, $"changed since version {expected} was read");
        }
    }

    // Nothing was written for a discarded or read-only instance.
    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    private static ConcurrencyException Conflict(TSaga instance, string what) =>
        new($"{typeof(TSaga).Name} {instance.CorrelationId} {what}; the message is retried against the stored instance.", typeof(TSaga), instance.CorrelationId);
}
