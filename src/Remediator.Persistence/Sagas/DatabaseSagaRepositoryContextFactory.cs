using MassTransit;
using MassTransit.Saga;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// The entry point MassTransit's <see cref="SagaRepository{TSaga}"/> calls for each message (and
/// for loads and queries outside messages).
/// </summary>
public sealed class DatabaseSagaRepositoryContextFactory<TSaga>(
    DatabaseSagaStore<TSaga> store,
    ISagaConsumeContextFactory<DatabaseSagaSession<TSaga>, TSaga> factory)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.Send(new DatabaseSagaRepositoryContext<TSaga, T>(new DatabaseSagaSession<TSaga>(store), context, factory));
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var ids = await store.FindAsync(query, context.CancellationToken);
        var repositoryContext = new DatabaseSagaRepositoryContext<TSaga, T>(new DatabaseSagaSession<TSaga>(store), context, factory);
        await next.Send(new DefaultSagaRepositoryQueryContext<TSaga, T>(repositoryContext, ids));
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(asyncMethod);
        return asyncMethod(new DatabaseSagaQueryContext<TSaga>(store, cancellationToken));
    }

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(asyncMethod);
        return asyncMethod(new DatabaseSagaQueryContext<TSaga>(store, cancellationToken));
    }

    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Add("persistence", "remediator-database");
    }
}
