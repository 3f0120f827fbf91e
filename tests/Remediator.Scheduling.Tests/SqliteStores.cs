using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

/// <summary>SQLite files with the scheduler's migration applied, as the engine's startup leaves them.</summary>
public static class SqliteStores
{
    public static DatabaseConnectionFactory Connect(string path) =>
        new(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" }));

    public static async Task MigrateAsync(DatabaseConnectionFactory database) =>
        await new DatabaseMigrator(database, [DatabaseScheduledMessageStore.Migration, DatabaseScheduledMessageStore.OutboxMigration, DatabaseScheduledMessageStore.AvailableAtMigration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync();
}
