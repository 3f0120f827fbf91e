using Remediator.Persistence;
using Remediator.Tests.Shared;

namespace Remediator.IntegrationTests.Infrastructure;

internal static class PostgresTestDatabase
{
    /// <summary>A database of its own on the shared PostgreSQL server, for a store's contract; dropped on dispose.</summary>
    public static async Task<TestDatabase> CreateAsync(ServersFixture servers)
    {
        var database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        return new TestDatabase(new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString }, database.DisposeAsync);
    }
}
