using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;

namespace Remediator.Guards.Tests;

/// <summary>The guard state store contract on a SQLite file of the test's own, migrated as the engine's startup leaves it.</summary>
public sealed class SqliteGuardStateStoreTests : GuardStateStoreContract, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-guards-{Guid.NewGuid():N}.db");
    private readonly List<DatabaseConnectionFactory> _connections = [];
    private readonly Dictionary<IGuardStateStore, DatabaseConnectionFactory> _databases = [];
    private readonly IGuardStateStore _store;

    public SqliteGuardStateStoreTests()
    {
        _store = OpenStore();
    }

    protected override IGuardStateStore Store => _store;

    // A new connection factory, as another engine process on the same file would make.
    protected override IGuardStateStore OpenStore()
    {
        var connections = Connect();
        var store = new DatabaseGuardStateStore(connections);
        _databases[store] = connections;
        return store;
    }

    protected override Task<T> InUnitOfWorkAsync<T>(IGuardStateStore store, Func<CancellationToken, Task<T>> work) =>
        _databases[store].InUnitOfWorkAsync(work);

    public async Task InitializeAsync() =>
        await new DatabaseMigrator(_connections[0], [DatabaseGuardStateStore.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync();

    public async Task DisposeAsync()
    {
        foreach (var connections in _connections)
        {
            await connections.DisposeAsync();
        }

        // Pooled SQLite handles keep the file open until cleared.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, $"{_path}-wal", $"{_path}-shm" })
        {
            File.Delete(file);
        }
    }

    private DatabaseConnectionFactory Connect()
    {
        var connections = new DatabaseConnectionFactory(Options.Create(new PersistenceOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={_path}",
        }));
        _connections.Add(connections);
        return connections;
    }
}
