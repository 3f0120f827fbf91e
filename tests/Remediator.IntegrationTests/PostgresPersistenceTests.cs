using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Engine.Alerts;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;

namespace Remediator.IntegrationTests;

/// <summary>The database layer on the real PostgreSQL: migrations and alert claims across "replicas" (connection factories).</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresPersistenceTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly TimeSpan _window = TimeSpan.FromHours(24);

    private readonly List<DatabaseConnectionFactory> _replicas = [];
    private PostgresDatabase? _database;

    private PostgresDatabase Database => _database ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync() =>
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid().ToString("N")[..12]}");

    [Fact]
    public async Task Engines_starting_together_migrate_once_under_the_advisory_lock()
    {
        var migrations = new IDatabaseMigration[] { DatabaseAlertClaims.Migration, new SqlMigration("test-0001-widgets", dialect => [$"CREATE TABLE widgets (id text PRIMARY KEY, made_at {dialect.TimestampType} NOT NULL)"]) };
        var replicas = Enumerable.Range(0, 4).Select(_ => Replica()).ToList();

        var applied = await Task.WhenAll(replicas.Select(replica => Task.Run(() => Migrator(replica, migrations).MigrateAsync())));

        applied.SelectMany(ids => ids).Order(StringComparer.Ordinal).ShouldBe(["persistence-0001-alert-claims", "test-0001-widgets"]);
        (await Database.ExecuteAsync("select count(*) from schema_migrations")).ShouldBe("2");
        (await Database.ExecuteAsync("select data_type from information_schema.columns where table_name = 'alert_claims' and column_name = 'expires_at'"))
            .ShouldBe("timestamp with time zone");
    }

    [Fact]
    public async Task Of_replicas_claiming_one_alert_at_once_exactly_one_wins_and_the_claim_outlives_them()
    {
        var replicas = Enumerable.Range(0, 6).Select(_ => Replica()).ToList();
        await Migrator(replicas[0], DatabaseAlertClaims.Migration).MigrateAsync();
        using var start = new Barrier(replicas.Count);

        var results = await Task.WhenAll(replicas.Select(replica => Task.Run(async () =>
        {
            var claims = new DatabaseAlertClaims(replica, TimeProvider.System);
            start.SignalAndWait();
            return await claims.TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window);
        })));

        results.Count(won => won).ShouldBe(1);
        (await new DatabaseAlertClaims(Replica(), TimeProvider.System).TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeFalse();
    }

    [Fact]
    public async Task Expired_claims_are_taken_over_and_purged()
    {
        var replica = Replica();
        await Migrator(replica, DatabaseAlertClaims.Migration).MigrateAsync();
        var past = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var old = new DatabaseAlertClaims(replica, past);
        (await old.TryClaimAsync("expired", TimeSpan.FromHours(1))).ShouldBeTrue();
        (await old.TryClaimAsync("expired-too", TimeSpan.FromHours(1))).ShouldBeTrue();

        var now = new DatabaseAlertClaims(replica, TimeProvider.System);
        (await now.TryClaimAsync("expired", _window)).ShouldBeTrue();
        (await now.PurgeExpiredAsync()).ShouldBe(1);
        (await now.TryClaimAsync("expired", _window)).ShouldBeFalse();
    }

    [Fact]
    public async Task On_loopback_the_engine_talks_to_the_server_without_TLS_unless_the_connection_string_asks_for_it()
    {
        // The shared server offers TLS (tests/servers): with the driver's default every connection would take it.
        var plain = Replica();
        var asked = Replica($"{Database.ConnectionString};SSL Mode=Require");

        (await SslInUseAsync(plain)).ShouldBeFalse();
        (await SslInUseAsync(asked)).ShouldBeTrue();
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    private DatabaseConnectionFactory Replica(string? connectionString = null)
    {
        var replica = new DatabaseConnectionFactory(Options.Create(new PersistenceOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = connectionString ?? Database.ConnectionString,
        }));
        _replicas.Add(replica);
        return replica;
    }

    private static async Task<bool> SslInUseAsync(DatabaseConnectionFactory replica)
    {
        await using var connection = await replica.OpenConnectionAsync();
        await using var command = connection.CreateCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static DatabaseMigrator Migrator(DatabaseConnectionFactory database, params IDatabaseMigration[] migrations) =>
        new(database, migrations, TimeProvider.System, NullLogger<DatabaseMigrator>.Instance);
}
