using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Contracts;
using Remediator.Engine.Alerts;
using Remediator.Engine.Bus;
using Remediator.Engine.Rules;
using Remediator.Intake;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Sagas;
using Remediator.Sagas.Joins;
using Remediator.Scheduling;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

/// <summary>
/// The webhook's unit of work: a 202 means each alert a rule concerns is claimed and its requests are
/// committed to the outbox with the claim, a duplicate writes nothing, a failure leaves nothing
/// behind, and the backlog is bounded.
/// </summary>
public sealed class OutboxAlertPublisherTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-outbox-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FiringRecorder _guards = new();
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
            [DatabaseScheduledMessageStore.Migration, DatabaseScheduledMessageStore.OutboxMigration, DatabaseAlertClaims.Migration, DatabaseRunJoinStore.Migration],
            TimeProvider.System,
            NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        _bus = MassTransit.Bus.Factory.CreateUsingInMemory(_ => { });
    }

    [Fact]
    public async Task A_matched_alert_is_committed_as_its_request_addressed_to_the_requests_exchange_and_stamped_now()
    {
        var store = new DatabaseScheduledMessageStore(Database);

        await Publisher(store, maxBacklog: 10).PublishAsync([Fixtures.Alert(fingerprint: "a"), Fixtures.Alert(fingerprint: "b")], CancellationToken.None);

        var due = await DueAsync(store);
        due.Count.ShouldBe(2);
        due.ShouldAllBe(message => message.Message.Destination.AbsolutePath.EndsWith("Remediator.Contracts:RemediationRequested", StringComparison.Ordinal));
        var requests = due.Select(message => Read<RemediationRequested>(message)).ToList();
        requests.Select(request => request.Alert.Fingerprint).Order(StringComparer.Ordinal).ShouldBe(["a", "b"]);
        requests.ShouldAllBe(request => request.RequestedAt == _clock.GetUtcNow());
    }

    [Fact]
    public async Task An_alert_for_a_target_whose_run_is_active_joins_it_with_no_message_until_the_run_ends()
    {
        var store = new DatabaseScheduledMessageStore(Database);
        var publisher = Publisher(store, maxBacklog: 10);
        var joins = new DatabaseRunJoinStore(Database, _clock);
        var run = Guid.NewGuid();
        await joins.OpenAsync(RemediationCorrelation.For("restart-auth", Fixtures.Deployment("auth-service")), run, CancellationToken.None);

        await publisher.PublishAsync([Fixtures.Alert(fingerprint: "a")], CancellationToken.None);

        (await DueAsync(store)).ShouldBeEmpty();
        var joined = (await joins.PeekAsync([run], CancellationToken.None)).ShouldHaveSingleItem();
        joined.Fingerprint.ShouldBe("a");
        joined.RemediationId.ShouldBe(run);
        _guards.Firings.ShouldBe([Fixtures.Deployment("auth-service")]);

        // The run ended (and took the join): the next alert is a request, which starts a new run.
        (await joins.CloseAsync(RemediationCorrelation.For("restart-auth", Fixtures.Deployment("auth-service")), run, CancellationToken.None)).ShouldHaveSingleItem().Fingerprint.ShouldBe("a");
        await publisher.PublishAsync([Fixtures.Alert(fingerprint: "b")], CancellationToken.None);

        Read<RemediationRequested>((await DueAsync(store)).ShouldHaveSingleItem()).Alert.Fingerprint.ShouldBe("b");
    }

    [Fact]
    public async Task Repeated_deliveries_of_one_alert_commit_one_request()
    {
        var store = new DatabaseScheduledMessageStore(Database);
        var publisher = Publisher(store, maxBacklog: 10);
        var alert = Fixtures.Alert();

        for (var i = 0; i < 5; i++)
        {
            await publisher.PublishAsync([alert with { ReceivedAt = alert.ReceivedAt.AddMinutes(i) }], CancellationToken.None);
        }

        (await DueAsync(store)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_resolution_tells_each_matched_target_once_however_often_it_is_sent()
    {
        var store = new DatabaseScheduledMessageStore(Database);
        var matcher = new FakeAlertMatcher
        {
            Resolving = [new("restart-callers", Fixtures.Deployment("auth-service")), new("restart-callers", Fixtures.Deployment("account-service"))],
        };
        var publisher = Publisher(store, maxBacklog: 10, matcher);

        await publisher.PublishAsync([Fixtures.Alert(AlertStatus.Resolved)], CancellationToken.None);
        await publisher.PublishAsync([Fixtures.Alert(AlertStatus.Resolved)], CancellationToken.None);

        var due = await DueAsync(store);
        due.Select(message => Read<TargetAlertResolved>(message).Target.Name).Order(StringComparer.Ordinal).ShouldBe(["account-service", "auth-service"]);
    }

    [Fact]
    public async Task An_alert_no_rule_concerns_is_neither_claimed_nor_written()
    {
        var store = new DatabaseScheduledMessageStore(Database);

        await Publisher(store, maxBacklog: 10, new FakeAlertMatcher()).PublishAsync([Fixtures.Alert()], CancellationToken.None);

        (await DueAsync(store)).ShouldBeEmpty();
        (await new DatabaseAlertClaims(Database, _clock).TryClaimAsync(Fixtures.Alert().IdempotencyKey, TimeSpan.FromHours(1))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_failure_in_the_transaction_takes_back_the_claims_so_the_resend_is_remediated()
    {
        var store = new DatabaseScheduledMessageStore(Database);
        var publisher = Publisher(store, maxBacklog: 10);
        await ExecuteAsync("CREATE TRIGGER refuse_outbox BEFORE INSERT ON scheduled_messages BEGIN SELECT RAISE(ABORT, 'disk full'); END");

        // The first alert is claimed before its request fails to be written.
        var failed = await Should.ThrowAsync<AlertPublishException>(publisher.PublishAsync([Fixtures.Alert(fingerprint: "a"), Fixtures.Alert(fingerprint: "b")], CancellationToken.None));

        failed.Message.ShouldContain("disk full");
        await ExecuteAsync("DROP TRIGGER refuse_outbox");
        await publisher.PublishAsync([Fixtures.Alert(fingerprint: "a"), Fixtures.Alert(fingerprint: "b")], CancellationToken.None);
        (await DueAsync(store)).Count.ShouldBe(2);
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

    private static T Read<T>(ClaimedScheduledMessage message) =>
        JsonDocument.Parse(message.Message.Body).RootElement.GetProperty("message").Deserialize<T>(MassTransit.Serialization.SystemTextJsonMessageSerializer.Options)
        ?? throw new InvalidOperationException($"The outbox row holds no {typeof(T).Name}.");

    // Written claimed for this process's dispatcher (none runs here): any poll takes them once that lease passed.
    private Task<IReadOnlyList<ClaimedScheduledMessage>> DueAsync(DatabaseScheduledMessageStore store) =>
        store.ClaimDueAsync(_clock.GetUtcNow() + new SchedulingOptions().HandOffLease + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 100, CancellationToken.None);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await Database.ConnectAsync();
        await using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private OutboxAlertPublisher Publisher(IScheduledMessageStore store, int maxBacklog, IAlertMatcher? matcher = null)
    {
        var signal = new OutboxSignal();
        var consumers = new DurableConsumers(countReceipts: false);
        var scheduling = Options.Create(new SchedulingOptions());
        var outbox = new TransactionalOutbox(
            Database,
            store,
            consumers,
            signal,
            new SentMessages(signal, consumers, scheduling, _clock),
            _clock,
            _services,
            new OutboxMetrics(_services.GetRequiredService<IMeterFactory>()),
            scheduling,
            NullLogger<TransactionalOutbox>.Instance);
        var options = Options.Create(new BusOptions { MaxBacklog = maxBacklog });
        return new OutboxAlertPublisher(
            new DatabaseAlertClaims(Database, _clock),
            new AlertTriage(matcher ?? new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service"))), _clock, NullLogger<AlertTriage>.Instance),
            new RunJoins(new DatabaseRunJoinStore(Database, _clock), _guards),
            outbox,
            new OutboxPublisher(outbox, _bus!),
            options,
            Options.Create(new DeduplicationOptions()),
            new OutboxBacklogGate(options, _clock),
            new RemediatorMetrics(_services.GetRequiredService<IMeterFactory>()),
            _clock);
    }
}
