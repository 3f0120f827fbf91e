using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Sagas.Effectiveness;

namespace Remediator.Tests;

/// <summary>The run history contract on a SQLite file of the test's own, migrated as the engine's startup leaves it.</summary>
public sealed class SqliteRemediationHistoryTests : RemediationHistoryContract, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-history-{Guid.NewGuid():N}.db");
    // Disposed in DisposeAsync (xunit's lifetime), kept in a list as the guard store's tests do.
    private readonly List<DatabaseConnectionFactory> _connections = [];

    protected override IRemediationHistory History => new DatabaseRemediationHistory(_connections[0]);

    public async Task InitializeAsync()
    {
        _connections.Add(new DatabaseConnectionFactory(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={_path}" })));
        await new DatabaseMigrator(_connections[0], [DatabaseRemediationHistory.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
    }

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
}
