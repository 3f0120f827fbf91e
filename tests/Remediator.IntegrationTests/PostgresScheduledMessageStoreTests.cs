using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Scheduling.Storage;
using Remediator.Scheduling.Tests;

namespace Remediator.IntegrationTests;

/// <summary>The store contract the unit tests run in memory and on SQLite, on real PostgreSQL (a database per test).</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresScheduledMessageStoreTests(ServersFixture servers) : ScheduledMessageStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;
    private DatabaseConnectionFactory? _connections;
    private DatabaseScheduledMessageStore? _store;

    protected override IScheduledMessageStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        _connections = Connect(_database.ConnectionString);
        await new DatabaseMigrator(_connections, [DatabaseScheduledMessageStore.Migration, DatabaseScheduledMessageStore.OutboxMigration, DatabaseScheduledMessageStore.AvailableAtMigration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync();
        _store = new DatabaseScheduledMessageStore(_connections);
    }

    private static DatabaseConnectionFactory Connect(string connectionString) =>
        new(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString }));

    public async Task DisposeAsync()
    {
        if (_connections is not null)
        {
            await _connections.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
