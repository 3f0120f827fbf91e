using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Tests.Sagas;

namespace Remediator.IntegrationTests;

/// <summary>The saga repository scenarios on the real PostgreSQL, a database per test.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresSagaRepositoryTests(ServersFixture servers) : SagaRepositoryScenarios
{
    private PostgresDatabase? _database;

    protected override async Task<PersistenceOptions> CreateDatabaseAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid().ToString("N")[..12]}");
        return new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _database.ConnectionString };
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
