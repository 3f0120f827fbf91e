using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Sagas.Effectiveness;
using Remediator.Tests;

namespace Remediator.IntegrationTests;

/// <summary>The run history contract on real PostgreSQL (a database per test).</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresRemediationHistoryTests(ServersFixture servers) : RemediationHistoryContract, IAsyncLifetime
{
    // Disposed in DisposeAsync (xunit's lifetime), kept in a list as the guard store's tests do.
    private readonly List<DatabaseConnectionFactory> _connections = [];
    private PostgresDatabase? _database;

    protected override IRemediationHistory History => new DatabaseRemediationHistory(_connections[0]);

    public async Task InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        _connections.Add(new DatabaseConnectionFactory(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _database.ConnectionString })));
        await new DatabaseMigrator(_connections[0], [DatabaseRemediationHistory.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var connections in _connections)
        {
            await connections.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
