using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Engine.Bus;
using Remediator.Intake;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Scheduling;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

/// <summary>The webhook's side of the outbox: a 202 means the alerts are committed, and the backlog is bounded.</summary>
public sealed class OutboxAlertPublisherTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-outbox-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private DatabaseConnectionFactory? _database;
    private IBusControl? _bus;

    private DatabaseConnectionFactory Database => _database ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _database = new DatabaseConnectionFactory(Options.Create(new PersistenceOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_directory.FullName, "outbox.db")}",
        }));
        await new DatabaseMigrator(
            Database,
            [DatabaseScheduledMessageStore.Migration, DatabaseScheduledMessageStore.OutboxMigration],
            TimeProvider.System,
            NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        _bus = MassTransit.Bus.Factory.CreateUsingInMemory(_ => { });
    }

    [Fact]
    public async Task Accepted_alerts_are_committed_to_the_outbox_addressed_to_the_alerts_exchange()
    {
        var store = new DatabaseScheduledMessageStore(Database);

        await Publisher(store, maxBacklog: 10).PublishAsync([Fixtures.Alert(fingerprint: "a"), Fixtures.Alert(fingerprint: "b")], CancellationToken.None);

        // Written claimed for this process's dispatcher (none runs here): any poll takes them once that lease passed.
        var due = await store.ClaimDueAsync(_clock.GetUtcNow() + new SchedulingOptions().HandOffLease, TimeSpan.FromSeconds(30), 10, CancellationToken.None);
        due.Count.ShouldBe(2);
        due.ShouldAllBe(message => message.Message.Destination.AbsolutePath.EndsWith("Remediator.Contracts:AlertReceived", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Past_the_backlog_limit_the_alerts_are_refused_so_the_webhook_answers_503()
    {
        var store = new DatabaseScheduledMessageStore(Database);
        var publisher = Publisher(store, maxBacklog: 2);
        await publisher.PublishAsync([Fixtures.Alert(fingerprint: "a"), Fixtures.Alert(fingerprint: "b")], CancellationToken.None);

        var refused = await Should.ThrowAsync<AlertBacklogFullException>(publisher.PublishAsync([Fixtures.Alert(fingerprint: "c")], CancellationToken.None));

        refused.Message.ShouldContain("Remediator:Bus:MaxBacklog");
        (await store.CountDueAsync(_clock.GetUtcNow().AddSeconds(1), 10, CancellationToken.None)).ShouldBe(2);
    }

    [Fact]
    public async Task Between_counts_the_engine_goes_by_its_last_count_and_counts_again_after_the_interval()
    {
        var store = new DatabaseScheduledMessageStore(Database);
        var publisher = Publisher(store, maxBacklog: 3);
        var otherReplica = Publisher(store, maxBacklog: 100);
        await publisher.PublishAsync([Fixtures.Alert(fingerprint: "a")], CancellationToken.None);
        await otherReplica.PublishAsync([Fixtures.Alert(fingerprint: "b"), Fixtures.Alert(fingerprint: "c"), Fixtures.Alert(fingerprint: "d")], CancellationToken.None);

        // Within the interval: its count (0) and its own alert since leave room, whatever others wrote.
        await publisher.PublishAsync([Fixtures.Alert(fingerprint: "e")], CancellationToken.None);
        _clock.Advance(new BusOptions().BacklogCountInterval);
        var refused = await Should.ThrowAsync<AlertBacklogFullException>(publisher.PublishAsync([Fixtures.Alert(fingerprint: "f")], CancellationToken.None));

        refused.Message.ShouldContain("Remediator:Bus:MaxBacklog");
        (await store.CountDueAsync(_clock.GetUtcNow().AddSeconds(1), 10, CancellationToken.None)).ShouldBe(5);
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        await _services.DisposeAsync();
    }

    // xunit calls this after DisposeAsync: the file goes once the factory is closed.
    public void Dispose()
    {
        _database?.Dispose();
        _directory.Delete(recursive: true);
    }

    private OutboxAlertPublisher Publisher(IScheduledMessageStore store, int maxBacklog)
    {
        var outbox = new TransactionalOutbox(
            Database,
            store,
            new DurableConsumers(countReceipts: false),
            new OutboxSignal(),
            _clock,
            _services,
            new OutboxMetrics(_services.GetRequiredService<IMeterFactory>()),
            Options.Create(new SchedulingOptions()),
            NullLogger<TransactionalOutbox>.Instance);
        var options = Options.Create(new BusOptions { MaxBacklog = maxBacklog });
        return new OutboxAlertPublisher(outbox, new OutboxPublisher(outbox, _bus!), options, new OutboxBacklogGate(options, _clock), _clock);
    }
}
