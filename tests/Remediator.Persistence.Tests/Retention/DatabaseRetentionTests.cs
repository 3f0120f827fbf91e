using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Retention;
using Remediator.Tests.Shared;

namespace Remediator.Persistence.Tests.Retention;

public sealed class DatabaseRetentionTests : IAsyncLifetime, IDisposable
{
    private static readonly IDatabaseMigration _table = new SqlMigration("test-0001-runs", dialect =>
        [$"CREATE TABLE runs (id text PRIMARY KEY, state text NOT NULL, updated_at {dialect.TimestampType} NOT NULL)"]);

    private readonly SqliteDatabase _database = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private DatabaseConnectionFactory? _factory;

    private DatabaseConnectionFactory Factory => _factory ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _factory = _database.CreateFactory();
        await SqliteDatabase.Migrator(Factory, _table).MigrateAsync();
    }

    [Fact]
    public async Task Only_finished_rows_older_than_the_retention_period_are_deleted()
    {
        var now = _clock.GetUtcNow();
        await InsertAsync("old-finished", "Succeeded", now.AddDays(-31));
        await InsertAsync("old-running", "Executing", now.AddDays(-31));
        await InsertAsync("new-finished", "Succeeded", now.AddDays(-1));
        using var meters = new ServiceMeterFactory();
        var retention = new DatabaseRetention(
            Factory,
            [new RetentionRule("runs", "updated_at", RetentionRule.In("state", ["Succeeded"]))],
            Options.Create(new PersistenceOptions { Retention = TimeSpan.FromDays(30) }),
            meters.Factory,
            _clock,
            NullLogger<DatabaseRetention>.Instance);

        (await retention.PurgeAsync(CancellationToken.None)).ShouldBe(1);

        (await IdsAsync()).ShouldBe(["new-finished", "old-running"]);
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();

    public void Dispose() => _database.Dispose();

    private async Task InsertAsync(string id, string state, DateTimeOffset updatedAt)
    {
        await using var connection = await Factory.OpenConnectionAsync();
        await using var command = connection.CreateCommand("INSERT INTO runs (id, state, updated_at) VALUES (@id, @state, @at)")
            .AddParameter("@id", id)
            .AddParameter("@state", state)
            .AddParameter("@at", Factory.Dialect.ToTimestamp(updatedAt));
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> IdsAsync()
    {
        await using var connection = await Factory.OpenConnectionAsync();
        await using var command = connection.CreateCommand("SELECT id FROM runs ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>A meter factory from a real service provider, disposed with the test.</summary>
    private sealed class ServiceMeterFactory : IDisposable
    {
        private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public IMeterFactory Factory => _provider.GetRequiredService<IMeterFactory>();

        public void Dispose() => _provider.Dispose();
    }
}
