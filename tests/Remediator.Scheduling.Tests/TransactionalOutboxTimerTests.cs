using MassTransit;
using MassTransit.Scheduling;
using Remediator.Persistence;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

/// <summary>
/// A state machine's <c>Schedule</c> and <c>Unschedule</c> behind the transactional outbox: the timer
/// row is written (or removed) in the transaction of the transition itself, with no scheduler message
/// and no transaction of its own in between, so no stop can leave the state saved without its timer.
/// </summary>
public sealed class TransactionalOutboxTimerTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-outbox-timers-{Guid.NewGuid():N}.db");
    private readonly DatabaseConnectionFactory _database;
    private readonly DatabaseScheduledMessageStore _store;

    public TransactionalOutboxTimerTests()
    {
        _database = SqliteStores.Connect(_path);
        _store = new DatabaseScheduledMessageStore(_database);
    }

    public Task InitializeAsync() => SqliteStores.MigrateAsync(_database);

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        File.Delete(_path);
    }

    [Fact]
    public async Task A_saga_arms_its_timer_in_the_transition_and_it_arrives_when_due()
    {
        await using var scheduling = await SchedulingHarness.StartAsync(_store, TimeProvider.System, outbox: _database);
        var probeId = Guid.NewGuid();

        await scheduling.Harness.Bus.Publish(new StartProbe(probeId));

        (await scheduling.Probes.Exists(probeId, machine => machine.TimedOut)).ShouldNotBeNull("the timeout never arrived");
        (await scheduling.Harness.Sent.Any<ScheduleMessage>()).ShouldBeFalse("the timer went out as a scheduler message instead of a row");
        (await scheduling.Harness.Consumed.Any<ScheduleMessage>()).ShouldBeFalse();
    }

    [Fact]
    public async Task Unscheduling_removes_the_row_in_the_same_transition()
    {
        await using var scheduling = await SchedulingHarness.StartAsync(_store, TimeProvider.System, outbox: _database);
        var probeId = Guid.NewGuid();

        await scheduling.Harness.Bus.Publish(new StartProbe(probeId));

        // Consumed once the handling's transaction committed (the outbox filter is inside the consume observer).
        (await scheduling.Harness.Consumed.Any<StartProbe>()).ShouldBeTrue();
        var token = scheduling.Probes.Sagas.Contains(probeId)!.TimeoutTokenId.ShouldNotBeNull();
        (await _store.ExistsAsync(token, default)).ShouldBeTrue("the transition committed without its timer");

        await scheduling.Harness.Bus.Publish(new StopProbe(probeId));
        (await scheduling.Harness.Consumed.Any<StopProbe>()).ShouldBeTrue();
        (await scheduling.Probes.Exists(probeId, machine => machine.Cancelled)).ShouldNotBeNull();

        (await _store.ExistsAsync(token, default)).ShouldBeFalse("the cancelled timer is still armed");
        (await scheduling.Harness.Consumed.Any<CancelScheduledMessage>()).ShouldBeFalse();
    }
}
