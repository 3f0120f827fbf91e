using Remediator.Escalation.Tests.Reconciliation;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;

namespace Remediator.IntegrationTests;

/// <summary>The escalation's repair of missing tier timers (SQLite in the unit tests) on real PostgreSQL, a database per test; two replicas race on row locks there.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresEscalationReconcilerTests(ServersFixture servers) : EscalationReconcilerContract
{
    private PostgresDatabase? _database;

    protected override async Task<PersistenceOptions> CreateDatabaseAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
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
