using Microsoft.Data.Sqlite;
using Remediator.Guards.State;
using Remediator.Persistence;

namespace Remediator.Guards.Tests;

/// <summary>The guard state store contract on a SQLite file of the test's own, migrated as the engine's startup leaves it.</summary>
public sealed class SqliteGuardStateStoreTests : DatabaseGuardStateStoreContract, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-guards-{Guid.NewGuid():N}.db");
    private readonly IGuardStateStore _store;

    public SqliteGuardStateStoreTests()
    {
        _store = OpenStore();
    }

    protected override IGuardStateStore Store => _store;

    protected override PersistenceOptions Connection() => new() { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={_path}" };

    public Task InitializeAsync() => MigrateAsync(_store);

    public async Task DisposeAsync()
    {
        await CloseConnectionsAsync();

        // Pooled SQLite handles keep the file open until cleared.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, $"{_path}-wal", $"{_path}-shm" })
        {
            File.Delete(file);
        }
    }
}
