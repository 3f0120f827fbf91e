using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Scheduling.Storage;
using Remediator.Scheduling.Tests;
using Remediator.Tests.Shared;

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

    [Fact]
    public async Task Completing_without_waiting_skips_a_row_another_transaction_holds_and_returns_it()
    {
        var now = TestClock.Start;
        var locked = new ClaimedScheduledMessage(Record(now), Guid.NewGuid());
        var free = new ClaimedScheduledMessage(Record(now), Guid.NewGuid());
        foreach (var claimed in new[] { locked, free })
        {
            await Store.ScheduleClaimedAsync(claimed.Message, claimed.ClaimId, now.AddSeconds(5), default);
        }

        // Another transaction holds one row, as a consumer acknowledging it or a saga cancelling its token would.
        var connections = _connections ?? throw new InvalidOperationException("InitializeAsync has not run.");
        await using var holder = await connections.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var command = holder.CreateCommand("SELECT 1 FROM scheduled_messages WHERE token_id = @token_id FOR UPDATE", transaction))
        {
            await command.AddParameter("@token_id", locked.Message.TokenId.ToString("D")).ExecuteScalarAsync();
        }

        // Waiting for that lock would never end: the holder goes on only after this returns. The limit only keeps a broken run from hanging.
        var skipped = await connections.InUnitOfWorkAsync(token => Store.CompleteUnlockedAsync([locked, free], token)).WaitAsync(TimeSpan.FromSeconds(60));
        await transaction.RollbackAsync();

        skipped.ShouldHaveSingleItem().ShouldBe(locked);
        (await Store.ExistsAsync(free.Message.TokenId, default)).ShouldBeFalse();
        await Store.CompleteAsync(skipped, default);
        (await Store.ExistsAsync(locked.Message.TokenId, default)).ShouldBeFalse();
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
