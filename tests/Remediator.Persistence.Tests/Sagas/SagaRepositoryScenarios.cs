using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Sagas;

namespace Remediator.Persistence.Tests.Sagas;

/// <summary>
/// The saga repository's behaviour, run against each database: the derived class says which
/// (SQLite here, PostgreSQL in the integration tests).
/// </summary>
public abstract class SagaRepositoryScenarios : IAsyncLifetime
{
    public static readonly SagaTableMapping<ToySaga> Mapping = new()
    {
        TableName = "toy_sagas",
        State = saga => saga.CurrentState,
        Key = saga => saga.Name,
        Group = saga => saga.Owner,
        Lookup = new(saga => saga.Name),
    };

    /// <summary>The same table with no lookup column mapped: a query correlation has no key to read.</summary>
    private static readonly SagaTableMapping<ToySaga> _withoutLookup = new() { TableName = Mapping.TableName, Key = saga => saga.Name };

    /// <summary>When the rows a test writes by hand were stored.</summary>
    private static readonly DateTimeOffset _storedAt = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> _engines = [];
    private PersistenceOptions? _options;

    protected abstract Task<PersistenceOptions> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync() => _options = await CreateDatabaseAsync();

    [Fact]
    public async Task A_started_saga_is_stored_with_its_indexed_columns()
    {
        var engine = await StartEngineAsync();
        var id = NewId.NextGuid();

        await engine.Harness.Bus.Publish(new ToyStarted(id, "alpha", "team-a"));
        await engine.CreatedAsync(id);
        await engine.Harness.Bus.Publish(new ToyIncremented(id));

        (await engine.PublishedAsync<ToyCounted>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        var stored = (await engine.Store.GetAsync(id)).ShouldNotBeNull();
        stored.Instance.Count.ShouldBe(1);
        stored.Instance.Name.ShouldBe("alpha");
        stored.Version.ShouldBe(2);
        stored.Instance.Version.ShouldBe(2);
        stored.State.ShouldBe("Counting");
        stored.Key.ShouldBe("alpha");
        stored.Group.ShouldBe("team-a");
        stored.UpdatedAt.ShouldBeGreaterThanOrEqualTo(stored.CreatedAt);
    }

    [Fact]
    public async Task Racing_updates_conflict_and_the_loser_is_retried_against_the_fresh_instance()
    {
        var engine = await StartEngineAsync();
        var id = NewId.NextGuid();
        await engine.Harness.Bus.Publish(new ToyStarted(id, "race", "team-a"));
        await engine.CreatedAsync(id);
        (await engine.Store.GetAsync(id)).ShouldNotBeNull();

        engine.Gate.Arm(2);
        await Task.WhenAll(engine.Harness.Bus.Publish(new ToyIncremented(id)), engine.Harness.Bus.Publish(new ToyIncremented(id)));

        (await engine.PublishedAsync<ToyCounted>(sent => sent.Context.Message.ToyId == id && sent.Context.Message.Count == 2)).ShouldBeTrue();
        var stored = (await engine.Store.GetAsync(id)).ShouldNotBeNull();
        stored.Instance.Count.ShouldBe(2);
        stored.Version.ShouldBe(3);
        stored.Instance.MaxRetryAttempt.ShouldBeGreaterThan(0);
        (await engine.Harness.Published.SelectAsync<ToyCounted>(sent => sent.Context.Message.ToyId == id).Count()).ShouldBe(2);
    }

    [Fact]
    public async Task Many_concurrent_updates_lose_none()
    {
        var engine = await StartEngineAsync();
        var id = NewId.NextGuid();
        await engine.Harness.Bus.Publish(new ToyStarted(id, "busy", "team-a"));
        await engine.CreatedAsync(id);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => engine.Harness.Bus.Publish(new ToyIncremented(id))));

        (await engine.PublishedAsync<ToyCounted>(sent => sent.Context.Message.ToyId == id && sent.Context.Message.Count == 10)).ShouldBeTrue();
        var stored = (await engine.Store.GetAsync(id)).ShouldNotBeNull();
        stored.Instance.Count.ShouldBe(10);
        stored.Version.ShouldBe(11);
    }

    [Fact]
    public async Task A_message_correlated_by_a_query_finds_and_updates_the_instance()
    {
        var engine = await StartEngineAsync();
        var id = NewId.NextGuid();
        await engine.Harness.Bus.Publish(new ToyStarted(id, "old-name", "team-a"));
        await engine.CreatedAsync(id);

        await engine.Harness.Bus.Publish(new ToyRenamed("old-name", "new-name"));

        (await engine.PublishedAsync<ToyUpdated>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        var stored = (await engine.Store.GetAsync(id)).ShouldNotBeNull();
        stored.Instance.Name.ShouldBe("new-name");
        stored.Key.ShouldBe("new-name");
    }

    [Fact]
    public async Task A_query_correlated_message_reads_only_the_rows_with_its_key()
    {
        var engine = await StartEngineAsync();
        var id = NewId.NextGuid();
        await engine.Harness.Bus.Publish(new ToyStarted(id, "wanted", "team-a"));
        await engine.CreatedAsync(id);

        // A row of another key whose JSON no one could read: reading every instance (a scan)
        // would fail on it; a lookup by the indexed column never touches it.
        await using (var connection = await engine.Database.ConnectAsync())
        await using (var insert = connection.CreateCommand(
            $"INSERT INTO {Mapping.TableName} (correlation_id, version, saga_key, saga_lookup, created_at, updated_at, data) VALUES (@id, 1, 'other', 'other', @now, @now, 'not json')"))
        {
            insert.AddParameter("@id", NewId.NextGuid().ToString("D")).AddParameter("@now", engine.Database.Dialect.ToTimestamp(_storedAt));
            await insert.ExecuteNonQueryAsync();
        }

        await engine.Harness.Bus.Publish(new ToyRenamed("wanted", "found"));

        (await engine.PublishedAsync<ToyUpdated>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        (await engine.Store.GetAsync(id)).ShouldNotBeNull().Instance.Name.ShouldBe("found");
    }

    [Fact]
    public async Task A_query_on_a_property_the_table_does_not_index_is_refused_not_scanned()
    {
        var engine = await StartEngineAsync(_withoutLookup);
        var id = NewId.NextGuid();
        await engine.Harness.Bus.Publish(new ToyStarted(id, "unindexed", "team-a"));
        await engine.CreatedAsync(id);

        await engine.Harness.Bus.Publish(new ToyRenamed("unindexed", "never"));

        (await engine.PublishedAsync<Fault<ToyRenamed>>(fault => fault.Context.Message.Exceptions.Any(e => e.Message.Contains("cannot answer by key", StringComparison.Ordinal)))).ShouldBeTrue();
        (await engine.Store.GetAsync(id)).ShouldNotBeNull().Instance.Name.ShouldBe("unindexed");
    }

    [Fact]
    public async Task Upgrading_fills_the_lookup_column_of_instances_stored_before_it_existed()
    {
        var options = _options ?? throw new InvalidOperationException("InitializeAsync has not run.");
        await using var database = new DatabaseConnectionFactory(Options.Create(options));
        var migrations = Mapping.Migrations();
        await new DatabaseMigrator(database, [migrations[0]], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var id = NewId.NextGuid();
        await using (var connection = await database.ConnectAsync())
        await using (var insert = connection.CreateCommand(
            $"INSERT INTO {Mapping.TableName} (correlation_id, version, saga_state, created_at, updated_at, data) VALUES (@id, 1, 'Counting', @now, @now, @data)"))
        {
            insert.AddParameter("@id", id.ToString("D"))
                .AddParameter("@now", database.Dialect.ToTimestamp(_storedAt))
                .AddParameter("@data", JsonSerializer.Serialize(new ToySaga { CorrelationId = id, CurrentState = "Counting", Name = "before-upgrade" }, Mapping.SerializerOptions));
            await insert.ExecuteNonQueryAsync();
        }

        var engine = await StartEngineAsync();
        await engine.Harness.Bus.Publish(new ToyRenamed("before-upgrade", "after-upgrade"));

        (await engine.PublishedAsync<ToyUpdated>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        (await engine.Store.GetAsync(id)).ShouldNotBeNull().Instance.Name.ShouldBe("after-upgrade");
    }

    [Fact]
    public async Task A_finalized_saga_is_deleted()
    {
        var engine = await StartEngineAsync();
        var id = NewId.NextGuid();
        await engine.Harness.Bus.Publish(new ToyStarted(id, "short-lived", "team-a"));
        await engine.CreatedAsync(id);

        await engine.Harness.Bus.Publish(new ToyFinished(id));

        (await engine.PublishedAsync<ToyClosed>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        (await engine.Store.GetAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task Sagas_survive_a_restart_of_the_engine()
    {
        var id = NewId.NextGuid();
        var first = await StartEngineAsync();
        await first.Harness.Bus.Publish(new ToyStarted(id, "durable", "team-a"));
        await first.CreatedAsync(id);
        await first.Harness.Bus.Publish(new ToyIncremented(id));
        (await first.PublishedAsync<ToyCounted>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        await StopEngineAsync(first);

        var restarted = await StartEngineAsync();
        await restarted.Harness.Bus.Publish(new ToyIncremented(id));

        (await restarted.PublishedAsync<ToyCounted>(sent => sent.Context.Message.ToyId == id && sent.Context.Message.Count == 2)).ShouldBeTrue();
        var stored = (await restarted.Store.GetAsync(id)).ShouldNotBeNull();
        stored.Instance.Count.ShouldBe(2);
        stored.Version.ShouldBe(3);
    }

    [Fact]
    public async Task Lists_filter_page_and_count_without_loading_everything()
    {
        var engine = await StartEngineAsync();
        var ids = new List<Guid>();
        foreach (var (name, owner) in new[] { ("a", "team-a"), ("b", "team-a"), ("c", "team-b"), ("d", "team-a") })
        {
            var id = NewId.NextGuid();
            ids.Add(id);
            await engine.Harness.Bus.Publish(new ToyStarted(id, name, owner));
            await engine.CreatedAsync(id);
        }

        var teamA = await engine.Store.ListAsync(new SagaListQuery { Group = "team-a", Limit = 2 });
        teamA.Items.Count.ShouldBe(2);

        var rest = await engine.Store.ListAsync(new SagaListQuery { Group = "team-a", Limit = 2, Offset = 2 });
        rest.Items.Count.ShouldBe(1);
        teamA.Items.Concat(rest.Items).Select(item => item.Instance.Name).Order(StringComparer.Ordinal).ShouldBe(["a", "b", "d"]);

        (await engine.Store.ListAsync(new SagaListQuery { Key = "c" })).Items.Single().Instance.CorrelationId.ShouldBe(ids[2]);
        (await engine.Store.ListAsync(new SagaListQuery { State = "Counting" })).Items.Count.ShouldBe(4);
        (await engine.Store.ListAsync(new SagaListQuery { State = "Final" })).Items.ShouldBeEmpty();

        var newest = (await engine.Store.ListAsync(new SagaListQuery())).Items[0];
        (await engine.Store.ListAsync(new SagaListQuery { CreatedSince = newest.CreatedAt })).Items.ShouldContain(item => item.Instance.CorrelationId == newest.Instance.CorrelationId);
        (await engine.Store.ListAsync(new SagaListQuery { UpdatedSince = newest.UpdatedAt.AddDays(1) })).Items.ShouldBeEmpty();
    }

    public async Task DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    /// <summary>An engine: a test-harness bus with the toy saga on this test's database, schema migrated.</summary>
    private async Task<Engine> StartEngineAsync(SagaTableMapping<ToySaga>? mapping = null)
    {
        var options = _options ?? throw new InvalidOperationException("InitializeAsync has not run.");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ConflictGate>();
        services.AddOptions<PersistenceOptions>().Configure(configured =>
        {
            configured.Provider = options.Provider;
            configured.ConnectionString = options.ConnectionString;
        });
        services.AddMassTransitTestHarness(bus =>
            bus.AddSagaStateMachine<ToyStateMachine, ToySaga, ToySagaDefinition>().DatabaseRepository(mapping ?? Mapping));
        var provider = services.BuildServiceProvider(validateScopes: true);
        _engines.Add(provider);

        await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new Engine(provider, harness, provider.GetRequiredService<DatabaseSagaStore<ToySaga>>(), provider.GetRequiredService<ConflictGate>(), provider.GetRequiredService<IDatabaseConnectionFactory>());
    }

    // The container lives on until the test ends: MassTransit keeps the first bus's logger
    // factory in its ambient log context, which the next bus in this test would find disposed.
    private static Task StopEngineAsync(Engine engine) => engine.Harness.Stop();

    private sealed record Engine(ServiceProvider Provider, ITestHarness Harness, DatabaseSagaStore<ToySaga> Store, ConflictGate Gate, IDatabaseConnectionFactory Database)
    {
        /// <summary>
        /// Waits until the saga announced <paramref name="id"/>: the outbox publishes only after
        /// the new instance is stored. (Consumed is observed earlier, before the repository writes.)
        /// </summary>
        public async Task CreatedAsync(Guid id) =>
            (await PublishedAsync<ToyCreated>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();

        /// <summary>
        /// Whether a matching message is published within the harness's test timeout. The harness's
        /// own <c>Any</c> gives up after a quiet spell, which a slow database write on a busy
        /// machine can outlast, so it is asked again until the deadline.
        /// </summary>
        public async Task<bool> PublishedAsync<T>(FilterDelegate<IPublishedMessage<T>> filter)
            where T : class
        {
            using var deadline = new CancellationTokenSource(Harness.TestTimeout);
            while (!deadline.IsCancellationRequested)
            {
                if (await Harness.Published.Any(filter, deadline.Token))
                {
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }

            return false;
        }
    }
}
