using Microsoft.Extensions.Time.Testing;
using Remediator.Engine.Alerts;
using Remediator.Persistence;
using Remediator.Persistence.Tests;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

public sealed class DatabaseAlertClaimsTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan _window = TimeSpan.FromHours(24);

    private readonly SqliteDatabase _database = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private DatabaseConnectionFactory? _factory;

    private DatabaseConnectionFactory Factory => _factory ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _factory = _database.CreateFactory();
        await SqliteDatabase.Migrator(Factory, DatabaseAlertClaims.Migration).MigrateAsync();
    }

    [Fact]
    public async Task A_key_is_claimed_once_while_remembered()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);

        (await claims.TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeTrue();
        (await claims.TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeFalse();
        (await claims.TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/resolved", _window)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_claim_rolled_back_with_its_unit_of_work_can_be_claimed_again()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);

        await Should.ThrowAsync<InvalidOperationException>(Factory.InUnitOfWorkAsync<bool>(async token =>
        {
            (await claims.TryClaimAsync("key", _window, token)).ShouldBeTrue();
            throw new InvalidOperationException("the requests could not be written");
        }));

        (await claims.TryClaimAsync("key", _window)).ShouldBeTrue();
    }

    [Fact]
    public async Task An_expired_claim_is_taken_over_before_it_is_purged()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);
        (await claims.TryClaimAsync("key", _window)).ShouldBeTrue();

        _clock.Advance(_window - TimeSpan.FromSeconds(1));
        (await claims.TryClaimAsync("key", _window)).ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(1));
        (await claims.TryClaimAsync("key", _window)).ShouldBeTrue();
        (await claims.TryClaimAsync("key", _window)).ShouldBeFalse();
    }

    [Fact]
    public async Task Claims_survive_a_restart()
    {
        (await new DatabaseAlertClaims(Factory, _clock).TryClaimAsync("key", _window)).ShouldBeTrue();

        await using var restarted = _database.CreateFactory();

        (await new DatabaseAlertClaims(restarted, _clock).TryClaimAsync("key", _window)).ShouldBeFalse();
    }

    [Fact]
    public async Task Of_replicas_claiming_one_key_at_once_exactly_one_wins()
    {
        var replicas = Enumerable.Range(0, 6).Select(_ => _database.CreateFactory()).ToList();
        try
        {
            using var start = new Barrier(replicas.Count);
            var results = await Task.WhenAll(replicas.Select(replica => Task.Run(async () =>
            {
                var claims = new DatabaseAlertClaims(replica, _clock);
                start.SignalAndWait();
                return await claims.TryClaimAsync("contended", _window);
            })));

            results.Count(won => won).ShouldBe(1);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Purge_deletes_only_expired_claims()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);
        (await claims.TryClaimAsync("old", TimeSpan.FromHours(1))).ShouldBeTrue();
        (await claims.TryClaimAsync("young", _window)).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromHours(2));

        (await claims.PurgeExpiredAsync()).ShouldBe(1);

        (await claims.TryClaimAsync("young", _window)).ShouldBeFalse();
        (await claims.PurgeExpiredAsync()).ShouldBe(0);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    // xunit calls this after DisposeAsync: the file goes once the factory is closed.
    public void Dispose() => _database.Dispose();
}
