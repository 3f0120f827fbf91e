using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;
using Remediator.Guards.Tests;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;

namespace Remediator.IntegrationTests;

/// <summary>
/// The guard state store contract on real PostgreSQL (a database per test); its concurrency cases
/// race two connection factories, as two engine replicas on one database do.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresGuardStateStoreTests(ServersFixture servers) : GuardStateStoreContract, IAsyncLifetime
{
    private readonly List<DatabaseConnectionFactory> _connections = [];
    private PostgresDatabase? _database;
    private DatabaseGuardStateStore? _store;

    protected override IGuardStateStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected override IGuardStateStore OpenStore() => new DatabaseGuardStateStore(Connect());

    public async Task InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        var connections = Connect();
        await new DatabaseMigrator(connections, [DatabaseGuardStateStore.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync();
        _store = new DatabaseGuardStateStore(connections);
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

    private DatabaseConnectionFactory Connect()
    {
        var connectionString = _database?.ConnectionString ?? throw new InvalidOperationException("InitializeAsync has not run.");
        var connections = new DatabaseConnectionFactory(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString }));
        _connections.Add(connections);
        return connections;
    }
}
