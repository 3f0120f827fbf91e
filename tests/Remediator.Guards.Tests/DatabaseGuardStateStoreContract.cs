using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;

namespace Remediator.Guards.Tests;

/// <summary>
/// The guard state store contract on a database (SQLite here, PostgreSQL in the integration tests):
/// each store opened is a connection factory of its own on the test's database, as another engine
/// process on it would make, so the concurrency cases race two replicas.
/// </summary>
public abstract class DatabaseGuardStateStoreContract : GuardStateStoreContract
{
    private readonly List<DatabaseConnectionFactory> _connections = [];
    private readonly Dictionary<IGuardStateStore, DatabaseConnectionFactory> _databases = [];

    /// <summary>The settings of one more connection factory on the test's database.</summary>
    protected abstract PersistenceOptions Connection();

    protected sealed override IGuardStateStore OpenStore()
    {
        var connections = new DatabaseConnectionFactory(Options.Create(Connection()));
        _connections.Add(connections);
        var store = new DatabaseGuardStateStore(connections);
        _databases[store] = connections;
        return store;
    }

    protected sealed override Task<T> InUnitOfWorkAsync<T>(IGuardStateStore store, Func<CancellationToken, Task<T>> work) =>
        _databases[store].InUnitOfWorkAsync(work);

    /// <summary>Creates the guards' tables as the engine's start-up does.</summary>
    protected Task MigrateAsync(IGuardStateStore store) =>
        new DatabaseMigrator(_databases[store], [DatabaseGuardStateStore.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

    protected async Task CloseConnectionsAsync()
    {
        foreach (var connections in _connections)
        {
            await connections.DisposeAsync();
        }
    }
}
