using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;
using Remediator.Guards.Tests;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;

namespace Remediator.IntegrationTests;

/// <summary>
/// The guard state store contract on real PostgreSQL (a database per test); its concurrency cases
/// race two connection factories, as two engine replicas on one database do.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresGuardStateStoreTests(ServersFixture servers) : GuardStateStoreContract, IAsyncLifetime
{
    private readonly List<DatabaseConnectionFactory> _connections = [];
    private readonly Dictionary<IGuardStateStore, DatabaseConnectionFactory> _databases = [];
    private PostgresDatabase? _database;
    private IGuardStateStore? _store;

    protected override IGuardStateStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected override IGuardStateStore OpenStore()
    {
        var connections = Connect();
        var store = new DatabaseGuardStateStore(connections);
        _databases[store] = connections;
        return store;
    }

    protected override Task<T> InUnitOfWorkAsync<T>(IGuardStateStore store, Func<CancellationToken, Task<T>> work) =>
        _databases[store].InUnitOfWorkAsync(work);

    [Fact]
    public async Task A_slot_taken_by_a_replica_while_a_decision_waited_to_commit_fails_that_commit_and_the_decision_made_again_refuses()
    {
        var replica = OpenStore();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var decided = new TaskCompletionSource();
        var commit = new TaskCompletionSource();

        // The first decision takes the last slot and waits, uncommitted, as a saga start does
        // while its transaction writes the rest; the replica's decision sees a free slot meanwhile.
        var waiting = InUnitOfWorkAsync(Store, async cancellationToken =>
        {
            var took = await Store.TryAcquireSlotAsync(first, "deployment/ns/first", 1, cancellationToken);
            decided.SetResult();
            await commit.Task;
            return took;
        });
        await decided.Task;
        var replicaTook = await InUnitOfWorkAsync(replica, cancellationToken => replica.TryAcquireSlotAsync(second, "deployment/ns/second", 1, cancellationToken));
        commit.SetResult();
        var overtaken = await Should.ThrowAsync<GuardStateChangedException>(waiting);
        var decidedAgain = await InUnitOfWorkAsync(Store, cancellationToken => Store.TryAcquireSlotAsync(first, "deployment/ns/first", 1, cancellationToken));

        replicaTook.ShouldBeTrue();
        overtaken.Message.ShouldContain("1 concurrency slots");
        decidedAgain.ShouldBeFalse();
        (await Store.GetHeldSlotsAsync(default)).Select(slot => slot.RemediationId).ShouldBe([second]);
    }

    public async Task InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync($"it_{Guid.NewGuid():N}"[..15]);
        _store = OpenStore();
        await new DatabaseMigrator(_databases[_store], [DatabaseGuardStateStore.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync();
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

    private DatabaseConnectionFactory Connect()
    {
        var connectionString = _database?.ConnectionString ?? throw new InvalidOperationException("InitializeAsync has not run.");
        var connections = new DatabaseConnectionFactory(Options.Create(new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString }));
        _connections.Add(connections);
        return connections;
    }
}
