using Microsoft.Data.Sqlite;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

public sealed class SqliteScheduledMessageStoreTests : ScheduledMessageStoreContract, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-scheduling-{Guid.NewGuid():N}.db");
    private readonly SqliteScheduledMessageStore _store;

    public SqliteScheduledMessageStoreTests()
    {
        _store = new SqliteScheduledMessageStore($"Data Source={_path}");
    }

    protected override IScheduledMessageStore Store => _store;

    [Fact]
    public async Task Timers_survive_a_new_store_on_the_same_file()
    {
        var record = Record(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        await _store.ScheduleAsync(record, default);

        var reopened = new SqliteScheduledMessageStore($"Data Source={_path}");

        (await reopened.ClaimDueAsync(record.DueAt, TimeSpan.FromSeconds(30), 10, default)).ShouldHaveSingleItem().Message.TokenId.ShouldBe(record.TokenId);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
