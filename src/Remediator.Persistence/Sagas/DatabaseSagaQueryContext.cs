using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace Remediator.Persistence.Sagas;

/// <summary>Loads and queries outside a message (MassTransit's ILoadSagaRepository / IQuerySagaRepository, the test harness).</summary>
internal sealed class DatabaseSagaQueryContext<TSaga>(DatabaseSagaStore<TSaga> store, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), QuerySagaRepositoryContext<TSaga>, LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    public async Task<TSaga> Load(Guid correlationId) =>
        (await store.LoadAsync(correlationId, CancellationToken))?.Instance!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new DefaultSagaRepositoryQueryContext<TSaga>(this, await store.FindAsync(query, cancellationToken));
    }
}
