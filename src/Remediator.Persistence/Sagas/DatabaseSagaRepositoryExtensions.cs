using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// Stores a MassTransit saga in the Remediator database (<see cref="PersistenceOptions"/>).
/// <para>
/// Concurrency is optimistic: a write that lost a race throws <see cref="ConcurrencyException"/>,
/// so the saga's endpoint must retry, and must hold back what the saga publishes until its
/// state is stored. In the saga definition:
/// <code>
/// endpointConfigurator.UseMessageRetry(r => r.Incremental(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
/// endpointConfigurator.UseInMemoryOutbox(context);
/// </code>
/// (retry outside the outbox: an attempt that fails publishes nothing; each round of racing
/// messages lets one win, so allow about as many retries as messages may race for one instance).
/// An event correlated by a query must compare the mapping's <see cref="SagaTableMapping{TSaga}.Lookup"/>
/// property with a value (it reads that indexed column); correlate every other event by id.
/// Messages for an instance that is not stored yet find no instance: wait for the saga's own
/// "created" event (published through the outbox, after the insert) before sending more.
/// </para>
/// </summary>
public static class DatabaseSagaRepositoryExtensions
{
    /// <summary>
    /// On the saga's registration:
    /// <c>bus.AddSagaStateMachine&lt;M, S, D&gt;().DatabaseRepository(new SagaTableMapping&lt;S&gt; { TableName = "..." })</c>.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> DatabaseRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator, SagaTableMapping<TSaga> mapping)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(mapping);
        return configurator.Repository(repository => repository.AddDatabaseSagaRepository(mapping));
    }

    /// <summary>
    /// The same, on a service collection: registered after <c>AddMassTransit</c> it replaces the
    /// saga's in-memory repository (for hosts that compose sagas registered elsewhere).
    /// Also registers the saga's table migration and <see cref="DatabaseSagaStore{TSaga}"/>
    /// (the read side for APIs).
    /// </summary>
    public static IServiceCollection AddDatabaseSagaRepository<TSaga>(this IServiceCollection services, SagaTableMapping<TSaga> mapping)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(mapping);
        services.AddRemediatorDatabase();
        foreach (var migration in mapping.Migrations())
        {
            services.AddDatabaseMigration(migration);
        }

        services.Replace(ServiceDescriptor.Singleton(mapping));
        services.TryAddSingleton<DatabaseSagaStore<TSaga>>();
        services.RegisterLoadSagaRepository<TSaga, DatabaseSagaRepositoryContextFactory<TSaga>>();
        services.RegisterQuerySagaRepository<TSaga, DatabaseSagaRepositoryContextFactory<TSaga>>();
        services.RegisterSagaRepository<TSaga, DatabaseSagaSession<TSaga>, SagaConsumeContextFactory<DatabaseSagaSession<TSaga>, TSaga>, DatabaseSagaRepositoryContextFactory<TSaga>>();
        return services;
    }
}
