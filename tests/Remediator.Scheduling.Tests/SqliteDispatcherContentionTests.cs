using Microsoft.Data.Sqlite;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

/// <summary>Two engines (each its own bus and dispatcher) sharing one SQLite file.</summary>
public sealed class SqliteDispatcherContentionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-scheduling-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Two_dispatchers_on_one_file_send_each_timer_once()
    {
        // Both run an hour ahead of the timers, so every timer is due once stored and both race for it.
        var clock = new OffsetTimeProvider(TimeSpan.FromHours(2));
        await using var firstDatabase = SqliteStores.Connect(_path);
        await using var secondDatabase = SqliteStores.Connect(_path);
        await SqliteStores.MigrateAsync(firstDatabase);
        var firstStore = new DatabaseScheduledMessageStore(firstDatabase);
        var secondStore = new DatabaseScheduledMessageStore(secondDatabase);
        var first = await SchedulingHarness.StartAsync(firstStore, clock, TimeSpan.FromMilliseconds(20));
        var second = await SchedulingHarness.StartAsync(secondStore, clock, TimeSpan.FromMilliseconds(20));
        var probes = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var engines = new[] { first, second };

        for (var i = 0; i < probes.Count; i++)
        {
            await engines[i % 2].ScheduleSendAsync(SchedulingHarness.ProbeAddress, TimeProvider.System.GetUtcNow().AddHours(1), new ProbeTimedOut(probes[i]));
        }

        foreach (var probe in probes)
        {
            await Task.WhenAny(first.Recorder.ReceivedAsync(probe), second.Recorder.ReceivedAsync(probe)).Unwrap();
        }

        // A row is deleted only after its send (the batch's delete follows its sends), and once both have
        // stopped no row is left: every send there will be has happened.
        var received = first.Recorder.All.Concat(second.Recorder.All).Select(message => message.ProbeId).ToList();
        await first.DisposeAsync();
        await second.DisposeAsync();
        (await firstStore.ClaimDueAsync(DateTimeOffset.UnixEpoch.AddYears(100), TimeSpan.FromMinutes(1), 100, default)).ShouldBeEmpty();
        received.ShouldBe(probes, ignoreOrder: true);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    /// <summary>
    /// The system clock moved ahead. Not a FakeTimeProvider: that one stands still until advanced,
    /// and the two dispatchers must keep polling on real timers while the test only waits.
    /// </summary>
    private sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
