using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Persistence;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Scheduling.Tests.Outbox;

/// <summary>
/// A sent row's delete rides on the next unit of work of this process, and costs no commit of its own;
/// the dispatcher deletes it itself only when no unit of work came within <see cref="SchedulingOptions.DeleteInterval"/>.
/// On a SQLite file, with a fake clock (the dispatcher polls at start and then only when the clock moves),
/// counting the commits as the load harness's ledger does.
/// </summary>
public sealed class SentMessagesTests : IAsyncLifetime, IDisposable
{
    private static readonly SchedulingOptions _defaults = new();
    private static readonly DurableConsumers _durableBroker = new(countReceipts: false);

    /// <summary>A queue nobody consumes from: what is sent there stays sent, and no consumer's unit of work follows.</summary>
    private static readonly Uri _nowhere = new("queue:sent-messages-nowhere");
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-sent-messages-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ConcurrentDictionary<string, long> _commits = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();
    private readonly DatabaseConnectionFactory _database;
    private readonly DatabaseScheduledMessageStore _store;

    public SentMessagesTests()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listening) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == DatabaseMetrics.CommitsName)
            {
                listening.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kind")
                {
                    _commits.AddOrUpdate((string)tag.Value!, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();

        // Foreign keys on, so that a deferred one can make a commit fail after the work succeeded.
        var connection = new SqliteConnectionStringBuilder { DataSource = _path, ForeignKeys = true };
        _database = new DatabaseConnectionFactory(
            Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = connection.ConnectionString }),
            new DatabaseMetrics(meterFactory));
        _store = new DatabaseScheduledMessageStore(_database);
    }

    private long Autocommits => _commits.GetValueOrDefault(DatabaseMetrics.AutocommitStatement);

    private long Transactions => _commits.GetValueOrDefault(DatabaseMetrics.TransactionCommit);

    public Task InitializeAsync() => SqliteStores.MigrateAsync(_database);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
        File.Delete(_path);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _database.Dispose();
    }

    [Fact]
    public void Sent_rows_wait_the_delete_interval_from_the_first_of_them()
    {
        var sent = new SentMessages(new OutboxSignal(), _durableBroker, Options.Create(_defaults), _clock);
        sent.DueAt.ShouldBe(DateTimeOffset.MaxValue);

        sent.Add([Sent()]);
        _clock.Advance(_defaults.DeleteInterval / 2);
        sent.Add([Sent()]);

        sent.DueAt.ShouldBe(TestClock.Start + _defaults.DeleteInterval);
        sent.TakeAll().Count.ShouldBe(2);
        sent.DueAt.ShouldBe(DateTimeOffset.MaxValue);
        sent.TakeAll().ShouldBeEmpty();
    }

    [Fact]
    public void A_full_batch_of_sent_rows_is_due_at_once()
    {
        var sent = new SentMessages(new OutboxSignal(), _durableBroker, Options.Create(new SchedulingOptions { BatchSize = 3 }), _clock);

        sent.Add([Sent(), Sent()]);
        sent.DueAt.ShouldBe(_clock.GetUtcNow() + _defaults.DeleteInterval);
        sent.Add([Sent()]);

        sent.DueAt.ShouldBe(_clock.GetUtcNow());
    }

    [Fact]
    public async Task Rows_given_back_are_due_when_asked_and_wake_the_dispatcher()
    {
        var signal = new OutboxSignal();
        var sent = new SentMessages(signal, _durableBroker, Options.Create(_defaults), _clock);
        sent.Add([Sent()]);
        var taken = sent.TakeAll();

        sent.Return(taken, _clock.GetUtcNow());

        sent.DueAt.ShouldBe(_clock.GetUtcNow());

        // The clock stands still: only the wake-up ends the wait.
        await signal.WaitAsync(TimeSpan.FromDays(1), _clock, default).WaitAsync(TimeSpan.FromSeconds(60));
        sent.TakeAll().ShouldBe(taken);
    }

    [Fact]
    public void On_the_in_memory_transport_a_unit_of_work_takes_only_the_rows_held_for_receipts()
    {
        var sent = new SentMessages(new OutboxSignal(), new DurableConsumers(countReceipts: true), Options.Create(_defaults), _clock);
        var slip = Sent();
        var request = new ClaimedScheduledMessage(ScheduledMessageStoreContract.Record(TestClock.Start) with { ReceiptsPending = 1 }, Guid.NewGuid());
        sent.Add([slip, request]);

        sent.TakeForUnitOfWork().ShouldBe([request]);

        // The row its queues alone hold keeps its interval, for the dispatcher.
        sent.DueAt.ShouldBe(TestClock.Start + _defaults.DeleteInterval);
        sent.TakeAll().ShouldBe([slip]);
    }

    [Fact]
    public async Task A_sent_row_is_deleted_by_the_next_unit_of_work_in_its_transaction_without_a_commit_of_its_own()
    {
        await using var scheduling = await SentRowWaitingAsync();
        var (autocommits, transactions) = (Autocommits, Transactions);

        // The clock stands still: the dispatcher's own delete is not due.
        await scheduling.Outbox.SendAsync([new ProbeTimedOut(Guid.NewGuid())], _nowhere, default);

        // The first row went with the second's commit; the second's row is the one left.
        (Autocommits, Transactions).ShouldBe((autocommits, transactions + 1));
        (await _store.CountDueAsync(_clock.GetUtcNow(), 10, default)).ShouldBe(1);
    }

    [Fact]
    public async Task Sent_rows_no_unit_of_work_took_are_deleted_by_the_dispatcher_after_the_delete_interval()
    {
        await using var scheduling = await SentRowWaitingAsync();
        var transactions = Transactions;

        _clock.Advance(_defaults.DeleteInterval);

        await WaitUntilDeletedAsync();
        Transactions.ShouldBe(transactions);
    }

    [Fact]
    public async Task A_unit_of_work_that_rolls_back_gives_the_sent_rows_it_carried_back_to_the_dispatcher()
    {
        await using (var connection = await _database.ConnectAsync())
        {
            await using var command = connection.CreateCommand(
                "CREATE TABLE probe_children (id integer PRIMARY KEY, parent text REFERENCES scheduled_messages (token_id) DEFERRABLE INITIALLY DEFERRED)");
            await command.ExecuteNonQueryAsync();
        }

        await using var scheduling = await SentRowWaitingAsync();
        var transactions = Transactions;

        // The work succeeds and the sent row's delete rides on it, then the commit fails (the deferred key).
        await Should.ThrowAsync<SqliteException>(scheduling.Outbox.InUnitOfWorkAsync(
            async token =>
            {
                await using var connection = await _database.ConnectAsync(token);
                await using var command = connection.CreateCommand("INSERT INTO probe_children (id, parent) VALUES (1, 'no such row')");
                return await command.ExecuteNonQueryAsync(token);
            },
            default));

        // Given back due at once: the dispatcher deletes it without the clock moving.
        await WaitUntilDeletedAsync();
        Transactions.ShouldBe(transactions);
    }

    /// <summary>
    /// A started dispatcher with one sent row waiting for its delete. Sent where nobody consumes it: a
    /// consumer's own unit of work would take it.
    /// </summary>
    private async Task<SchedulingHarness> SentRowWaitingAsync()
    {
        var scheduling = await SchedulingHarness.StartAsync(_store, _clock, outbox: _database);
        await scheduling.Outbox.SendAsync([new ProbeTimedOut(Guid.NewGuid())], _nowhere, default);
        await WaitUntilAsync(() => Task.FromResult(scheduling.Sent.DueAt != DateTimeOffset.MaxValue));
        (await _store.CountDueAsync(_clock.GetUtcNow(), 10, default)).ShouldBe(1);
        return scheduling;
    }

    private Task WaitUntilDeletedAsync() =>
        WaitUntilAsync(async () => await _store.CountDueAsync(_clock.GetUtcNow(), 10, default) == 0);

    private static ClaimedScheduledMessage Sent() => new(ScheduledMessageStoreContract.Record(TestClock.Start), Guid.NewGuid());

    /// <summary>Waits for what the dispatcher does on its own thread; the limit only keeps a broken run from hanging.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), limit.Token);
        }
    }
}
