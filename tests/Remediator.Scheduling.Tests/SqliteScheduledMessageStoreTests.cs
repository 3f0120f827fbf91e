using Microsoft.Data.Sqlite;
using Remediator.Persistence;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

public sealed class SqliteScheduledMessageStoreTests : ScheduledMessageStoreContract, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-scheduling-{Guid.NewGuid():N}.db");
    private readonly DatabaseConnectionFactory _database;

    public SqliteScheduledMessageStoreTests()
    {
        _database = SqliteStores.Connect(_path);
        Store = new DatabaseScheduledMessageStore(_database);
    }

    protected override IScheduledMessageStore Store { get; }

    public Task InitializeAsync() => SqliteStores.MigrateAsync(_database);

    [Fact]
    public async Task Timers_survive_a_new_store_on_the_same_file()
    {
        var record = Record(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        await Store.ScheduleAsync(record, default);

        await using var reopened = SqliteStores.Connect(_path);

        (await new DatabaseScheduledMessageStore(reopened).ClaimDueAsync(record.DueAt, TimeSpan.FromSeconds(30), 10, default))
            .ShouldHaveSingleItem().Message.TokenId.ShouldBe(record.TokenId);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
