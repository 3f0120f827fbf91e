using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Persistence;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Scheduling.Tests.Outbox;

/// <summary>
/// Rows a commit writes due at once go to this process's dispatcher in memory, claimed by the commit
/// itself; a process that died before sending them leaves them to any dispatcher once the lease expired.
/// On a SQLite file, with a fake clock: the dispatcher polls at start and then only when the clock moves.
/// </summary>
public sealed class OutboxHandOffTests : IAsyncLifetime
{
    private static readonly TimeSpan _handOffLease = new SchedulingOptions().HandOffLease;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-outbox-handoff-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly DatabaseConnectionFactory _database;
    private readonly DatabaseScheduledMessageStore _store;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public OutboxHandOffTests()
    {
        _database = SqliteStores.Connect(_path);
        _store = new DatabaseScheduledMessageStore(_database);
    }

    public Task InitializeAsync() => SqliteStores.MigrateAsync(_database);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
        File.Delete(_path);
    }

    [Fact]
    public async Task A_message_committed_due_now_is_sent_from_memory_and_its_row_deleted_by_the_stop_at_the_latest()
    {
        var scheduling = await SchedulingHarness.StartAsync(_store, _clock, outbox: _database);
        var probeId = Guid.NewGuid();

        // The clock stands still: after the poll at start, only the hand-off can send it.
        await scheduling.Outbox.SendAsync([new ProbeTimedOut(probeId)], SchedulingHarness.ProbeAddress, default);

        (await scheduling.Recorder.ReceivedAsync(probeId)).ProbeId.ShouldBe(probeId);
        await scheduling.DisposeAsync();
        (await _store.CountDueAsync(_clock.GetUtcNow().AddDays(1), 10, default)).ShouldBe(0);
    }

    [Fact]
    public async Task A_message_committed_by_a_process_that_died_before_sending_it_is_sent_once_its_lease_expired()
    {
        var probeId = Guid.NewGuid();
        await DeadProcessOutbox().SendAsync([new ProbeTimedOut(probeId)], SchedulingHarness.ProbeAddress, default);
        await using var scheduling = await SchedulingHarness.StartAsync(_store, _clock, outbox: _database);

        // Still its writer's: no poll takes it before the lease expired.
        (await scheduling.Dispatcher.DispatchDueAsync(default)).ShouldBe(0);
        _clock.Advance(_handOffLease);

        (await scheduling.Recorder.ReceivedAsync(probeId)).ProbeId.ShouldBe(probeId);
    }

    [Fact]
    public async Task A_handed_over_message_that_waited_past_half_its_lease_is_left_to_the_poll()
    {
        var probeId = Guid.NewGuid();
        await DeadProcessOutbox().SendAsync([new ProbeTimedOut(probeId)], SchedulingHarness.ProbeAddress, default);
        _clock.Advance(_handOffLease);
        var shortLease = _handOffLease / 4;
        var claimed = (await _store.ClaimDueAsync(_clock.GetUtcNow(), shortLease, 10, default)).ShouldHaveSingleItem();
        var scheduling = await SchedulingHarness.StartAsync(_store, _clock, outbox: _database);
        var recorder = scheduling.Recorder;

        scheduling.Signal.HandOver([new HandedOverMessage(claimed, _clock.GetUtcNow() + shortLease)]);
        _clock.Advance(shortLease);

        // Sent by the poll after the lease, and only by it.
        (await recorder.ReceivedAsync(probeId)).ProbeId.ShouldBe(probeId);
        await scheduling.DisposeAsync();
        recorder.All.Count(message => message.ProbeId == probeId).ShouldBe(1);
    }

    /// <summary>An outbox whose commits nobody sends: a process that committed and died before its dispatcher ran.</summary>
    private TransactionalOutbox DeadProcessOutbox()
    {
        var signal = new OutboxSignal();
        var consumers = new DurableConsumers(countReceipts: false);
        var options = Options.Create(new SchedulingOptions());
        return new(
            _database,
            _store,
            consumers,
            signal,
            new SentMessages(signal, consumers, options, _clock),
            _clock,
            _services,
            new OutboxMetrics(_services.GetRequiredService<IMeterFactory>()),
            options,
            NullLogger<TransactionalOutbox>.Instance);
    }
}
