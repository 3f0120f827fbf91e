using Remediator.IntegrationTests.Infrastructure;
using Remediator.Scheduling.Storage;
using Remediator.Scheduling.Tests;

namespace Remediator.IntegrationTests;

/// <summary>The store contract the unit tests run in memory and on SQLite, on real PostgreSQL (a database per test).</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresScheduledMessageStoreTests(ServersFixture servers) : ScheduledMessageStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;
    private PostgresScheduledMessageStore? _store;

    protected override IScheduledMessageStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        _store = new PostgresScheduledMessageStore(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
