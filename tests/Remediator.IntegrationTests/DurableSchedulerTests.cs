using System.Globalization;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.IntegrationTests.Scheduling;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>Durable timers on real RabbitMQ (no delayed-message plugin) and PostgreSQL.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class DurableSchedulerTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    private static readonly TimeSpan _dueIn = TimeSpan.FromHours(1);

    [Fact]
    public async Task A_timer_that_fell_due_while_the_engine_was_down_is_sent_once_after_it_restarts()
    {
        var database = await CreateDatabaseAsync();
        await using var observer = await ProbeObserver.StartAsync(VirtualHost);
        var probe = new ScheduledProbe(Guid.NewGuid());

        await using (var before = await SchedulerHost.StartAsync(VirtualHost, database, TimeProvider.System))
        {
            await before.ScheduleSendAsync(observer.Address, TimeProvider.System.GetUtcNow() + _dueIn, probe);
            await Eventually.TrueAsync(async () => await CountTimersAsync(database) == 1, "the timer to be stored");
        }

        await VirtualHost.WaitUntilDrainedAsync();
        observer.Probes.All.ShouldBeEmpty("the timer was not due while the first engine ran");

        // The engine comes back two hours later: the timer is overdue and goes out on the first poll.
        await using var after = await SchedulerHost.StartAsync(VirtualHost, database, new OffsetTimeProvider(2 * _dueIn));
        await observer.Probes.WaitForAsync(received => received == probe, "scheduled before the restart");
        await Eventually.TrueAsync(async () => await CountTimersAsync(database) == 0, "the sent timer to be deleted");
        await VirtualHost.WaitUntilDrainedAsync();

        observer.Probes.All.ShouldBe([probe]);
    }

    [Fact]
    public async Task Two_dispatchers_on_one_database_send_each_timer_once()
    {
        var database = await CreateDatabaseAsync();
        await using var observer = await ProbeObserver.StartAsync(VirtualHost);

        // Both engines run "two hours ahead", so every timer is due as soon as it is stored and both
        // dispatchers race for it.
        var clock = new OffsetTimeProvider(2 * _dueIn);
        await using var first = await SchedulerHost.StartAsync(VirtualHost, database, clock);
        await using var second = await SchedulerHost.StartAsync(VirtualHost, database, clock);
        var probes = Enumerable.Range(0, 40).Select(_ => new ScheduledProbe(Guid.NewGuid())).ToList();
        var engines = new[] { first, second };
        for (var i = 0; i < probes.Count; i++)
        {
            await engines[i % 2].ScheduleSendAsync(observer.Address, TimeProvider.System.GetUtcNow() + _dueIn, probes[i]);
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(observer.Probes.All.Distinct().Count() == probes.Count),
            "every timer to be sent",
            diagnostics: () => $"{observer.Probes.All.Distinct().Count()} of {probes.Count} arrived.");
        await Eventually.TrueAsync(async () => await CountTimersAsync(database) == 0, "every sent timer to be deleted");
        await VirtualHost.WaitUntilDrainedAsync();

        observer.Probes.All.Count.ShouldBe(probes.Count, "a timer was sent more than once");
        observer.Probes.All.ShouldBe(probes, ignoreOrder: true);
    }

    /// <summary>Stored timers; -1 until the scheduler has created its table.</summary>
    private static async Task<int> CountTimersAsync(PostgresDatabase database)
    {
        var exists = await database.ExecuteAsync("select to_regclass('scheduled_messages') is not null");
        return exists == "t"
            ? int.Parse(await database.ExecuteAsync("select count(*) from scheduled_messages"), CultureInfo.InvariantCulture)
            : -1;
    }
}
