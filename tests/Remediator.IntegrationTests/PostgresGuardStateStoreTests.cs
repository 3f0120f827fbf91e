using Remediator.Guards.State;
using Remediator.Guards.Tests;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;

namespace Remediator.IntegrationTests;

/// <summary>
/// The guard state store contract on real PostgreSQL (a database per test); its concurrency cases
/// race two connection factories, as two engine replicas on one database do.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresGuardStateStoreTests(ServersFixture servers) : DatabaseGuardStateStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;
    private IGuardStateStore? _store;

    protected override IGuardStateStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected override PersistenceOptions Connection() => new()
    {
        Provider = DatabaseProvider.Postgres,
        ConnectionString = _database?.ConnectionString ?? throw new InvalidOperationException("InitializeAsync has not run."),
    };

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
        await MigrateAsync(_store);
    }

    public async Task DisposeAsync()
    {
        await CloseConnectionsAsync();

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
