using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Sagas;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Tests.Shared;

/// <summary>
/// What one engine replica needs to keep a saga table and the outbox on a test's own database, on
/// connections of its own: a contract builds two of these to play two replicas of one engine.
/// </summary>
internal static class ReplicaServices
{
    /// <summary>
    /// Logging, metrics, <paramref name="clock"/>, the database at <paramref name="database"/> with
    /// <paramref name="table"/>'s and the outbox's migrations, the saga store, and the transactional
    /// outbox (counting receipts when <paramref name="inMemoryTransport"/>).
    /// </summary>
    public static IServiceCollection AddReplicaSagaStore<TSaga>(this IServiceCollection services, PersistenceOptions database, SagaTableMapping<TSaga> table, TimeProvider clock, bool inMemoryTransport = false)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(table);
        services.AddLogging().AddMetrics().AddSingleton(clock);
        services.Configure<PersistenceOptions>(options =>
        {
            options.Provider = database.Provider;
            options.ConnectionString = database.ConnectionString;
        });
        services.AddRemediatorDatabase();
        foreach (var migration in table.Migrations())
        {
            services.AddDatabaseMigration(migration);
        }

        services.AddDatabaseMigration(DatabaseScheduledMessageStore.Migration);
        services.AddDatabaseMigration(DatabaseScheduledMessageStore.OutboxMigration);
        services.AddSingleton(table);
        services.AddSingleton<DatabaseSagaStore<TSaga>>();
        services.AddSingleton<IScheduledMessageStore, DatabaseScheduledMessageStore>();
        services.AddSingleton(new DurableConsumers(countReceipts: inMemoryTransport));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<SentMessages>();
        services.AddSingleton<OutboxMetrics>();
        services.AddSingleton<TransactionalOutbox>();
        services.AddSingleton<IEndpointNameFormatter>(KebabCaseEndpointNameFormatter.Instance);
        return services;
    }
}
