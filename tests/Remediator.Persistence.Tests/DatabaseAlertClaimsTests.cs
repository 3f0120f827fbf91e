using Remediator.Engine.Tests;
using Remediator.Persistence.Alerts;

namespace Remediator.Persistence.Tests;

public sealed class DatabaseAlertClaimsTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan _window = TimeSpan.FromHours(24);

    private readonly SqliteDatabase _database = new();
    private readonly ManualTimeProvider _clock = new();
    private DatabaseConnectionFactory? _factory;

    private DatabaseConnectionFactory Factory => _factory ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _factory = _database.CreateFactory();
        await SqliteDatabase.Migrator(Factory, DatabaseAlertClaims.Migration).MigrateAsync();
    }

    [Fact]
    public void A_key_is_claimed_once_while_remembered()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);

        claims.TryClaim("fp/2026-11-21T10:00:00.0000000Z/firing", _window).ShouldBeTrue();
        claims.TryClaim("fp/2026-11-21T10:00:00.0000000Z/firing", _window).ShouldBeFalse();
        claims.TryClaim("fp/2026-11-21T10:00:00.0000000Z/resolved", _window).ShouldBeTrue();
    }

    [Fact]
    public void A_released_key_can_be_claimed_again()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);
        claims.TryClaim("key", _window).ShouldBeTrue();

        claims.Release("key");

        claims.TryClaim("key", _window).ShouldBeTrue();
    }

    [Fact]
    public async Task The_async_claim_and_release_share_the_sync_ones_table()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);

        (await claims.TryClaimAsync("key", _window)).ShouldBeTrue();
        claims.TryClaim("key", _window).ShouldBeFalse();
        (await claims.TryClaimAsync("key", _window)).ShouldBeFalse();
        await claims.ReleaseAsync("key");
        (await claims.TryClaimAsync("key", _window)).ShouldBeTrue();
    }

    [Fact]
    public void An_expired_claim_is_taken_over_before_it_is_purged()
    {
        var claims = new DatabaseAlertClaims(Factory, _clock);
        claims.TryClaim("key", _window).ShouldBeTrue();

        _clock.Advance(_window - TimeSpan.FromSeconds(1));
        claims.TryClaim("key", _window).ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(1));
        claims.TryClaim("key", _window).ShouldBeTrue();
        claims.TryClaim("key", _window).ShouldBeFalse();
    }

    [Fact]
    public async Task Claims_survive_a_restart()
    {
        new DatabaseAlertClaims(Factory, _clock).TryClaim("key", _window).ShouldBeTrue();

        await using var restarted = _database.CreateFactory();

        new DatabaseAlertClaims(restarted, _clock).TryClaim("key", _window).ShouldBeFalse();
    }

    [Fact]
    public async Task Of_replicas_claiming_one_key_at_once_exactly_one_wins()
    {
        var replicas = Enumerable.Range(0, 6).Select(_ => _database.CreateFactory()).ToList();
        try
        {
            using var start = new Barrier(replicas.Count);
            var results = await Task.WhenAll(replicas.Select(replica => Task.Run(() =>
            {
                var claims = new DatabaseAlertClaims(replica, _clock);
                start.SignalAndWait();
                return claims.TryClaim("contended", _window);
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
        claims.TryClaim("old", TimeSpan.FromHours(1)).ShouldBeTrue();
        claims.TryClaim("young", _window).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromHours(2));

        (await claims.PurgeExpiredAsync()).ShouldBe(1);

        claims.TryClaim("young", _window).ShouldBeFalse();
        (await claims.PurgeExpiredAsync()).ShouldBe(0);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    // xunit calls this after DisposeAsync: the file goes once the factory is closed.
    public void Dispose() => _database.Dispose();
}
