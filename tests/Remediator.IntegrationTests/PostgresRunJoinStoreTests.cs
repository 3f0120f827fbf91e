using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Sagas.Joins;

namespace Remediator.IntegrationTests;

/// <summary>
/// A join and the end of the run it joins, in two transactions at once on real PostgreSQL (two
/// engines): whichever takes the run's active row first, the other waits for its commit, and the
/// join is either folded into the run's end or finds no run (and is sent as a request). Each test
/// holds the first transaction open until PostgreSQL shows the second waiting for its lock.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresRunJoinStoreTests(ServersFixture servers) : IAsyncLifetime
{
    private readonly Guid _correlationId = Guid.NewGuid();
    private readonly Guid _run = Guid.NewGuid();
    // Disposed in DisposeAsync (xunit's lifetime), kept in a list as the other PostgreSQL store tests do.
    private readonly List<DatabaseConnectionFactory> _connections = [];
    private PostgresDatabase? _database;

    private DatabaseConnectionFactory Connections => _connections.Count == 1 ? _connections[0] : throw new InvalidOperationException("InitializeAsync has not run.");

    private DatabaseRunJoinStore Store => new(Connections, TimeProvider.System);

    public async Task InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        _connections.Add(new DatabaseConnectionFactory(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _database.ConnectionString })));
        await new DatabaseMigrator(Connections, [DatabaseRunJoinStore.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        await Store.OpenAsync(_correlationId, _run, CancellationToken.None);
    }

    [Fact]
    public async Task A_join_in_flight_holds_the_runs_end_until_it_commits_and_the_end_folds_it()
    {
        var joined = new TaskCompletionSource();
        var commit = new TaskCompletionSource();
        var request = Guid.NewGuid();
        var joining = Connections.InUnitOfWorkAsync(async token =>
        {
            var result = await Store.TryJoinAsync(_correlationId, request, "fp-late", "ServiceDown", token);
            joined.SetResult();
            await commit.Task;
            return result;
        });
        await joined.Task;

        var ending = Connections.InUnitOfWorkAsync(token => Store.CloseAsync(_correlationId, _run, token));
        await Eventually.TrueAsync(async () => await LockWaitsAsync() == 1, "the run's end to wait for the join's lock");
        commit.SetResult();

        (await joining).ShouldBeTrue();
        (await ending).ShouldHaveSingleItem().ShouldBe(new RunJoin(_run, request, "fp-late", "ServiceDown", (await ending)[0].JoinedAt));
        (await Store.TryJoinAsync(_correlationId, Guid.NewGuid(), "fp-after", null, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_join_behind_the_runs_end_waits_for_it_and_finds_no_run()
    {
        var ended = new TaskCompletionSource();
        var commit = new TaskCompletionSource();
        var ending = Connections.InUnitOfWorkAsync(async token =>
        {
            var folded = await Store.CloseAsync(_correlationId, _run, token);
            ended.SetResult();
            await commit.Task;
            return folded;
        });
        await ended.Task;

        var joining = Connections.InUnitOfWorkAsync(token => Store.TryJoinAsync(_correlationId, Guid.NewGuid(), "fp-late", null, token));
        await Eventually.TrueAsync(async () => await LockWaitsAsync() == 1, "the join to wait for the run's end");
        commit.SetResult();

        (await ending).ShouldBeEmpty();
        (await joining).ShouldBeFalse();
        (await Store.PeekAsync([_run], CancellationToken.None)).ShouldBeEmpty();
    }

    public async Task DisposeAsync()
    {
        foreach (var connections in _connections)
        {
            await connections.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Sessions of this database waiting for a lock another holds.</summary>
    private async Task<int> LockWaitsAsync()
    {
        await using var connection = await Connections.ConnectAsync();
        await using var command = connection.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
