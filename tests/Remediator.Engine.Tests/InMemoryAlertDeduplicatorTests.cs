using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Engine.Alerts;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

public class InMemoryAlertDeduplicatorTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    private InMemoryAlertDeduplicator Create(int capacity = 100, int windowMinutes = 60) =>
        new(Options.Create(new DeduplicationOptions { Capacity = capacity, Window = TimeSpan.FromMinutes(windowMinutes) }), _time);

    [Fact]
    public async Task Only_the_first_claim_of_a_key_succeeds()
    {
        var deduplicator = Create();

        (await deduplicator.TryClaimAsync("k", default)).ShouldBeTrue();
        (await deduplicator.TryClaimAsync("k", default)).ShouldBeFalse();
        (await deduplicator.TryClaimAsync("other", default)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_released_claim_can_be_claimed_again()
    {
        var deduplicator = Create();
        await deduplicator.TryClaimAsync("k", default);

        await deduplicator.ReleaseAsync("k", default);

        (await deduplicator.TryClaimAsync("k", default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Keys_are_forgotten_after_the_window()
    {
        var deduplicator = Create(windowMinutes: 60);
        await deduplicator.TryClaimAsync("k", default);

        _time.Advance(TimeSpan.FromMinutes(59));
        (await deduplicator.TryClaimAsync("k", default)).ShouldBeFalse();

        _time.Advance(TimeSpan.FromMinutes(1));
        (await deduplicator.TryClaimAsync("k", default)).ShouldBeTrue();
    }

    [Fact]
    public async Task The_oldest_keys_make_room_when_full()
    {
        var deduplicator = Create(capacity: 2);
        await deduplicator.TryClaimAsync("a", default);
        await deduplicator.TryClaimAsync("b", default);

        (await deduplicator.TryClaimAsync("c", default)).ShouldBeTrue();

        deduplicator.Count.ShouldBe(2);
        (await deduplicator.TryClaimAsync("b", default)).ShouldBeFalse();
        (await deduplicator.TryClaimAsync("a", default)).ShouldBeTrue();
    }
}
