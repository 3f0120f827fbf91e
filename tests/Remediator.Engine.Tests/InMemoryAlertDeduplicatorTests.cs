using Microsoft.Extensions.Options;
using Remediator.Engine.Alerts;

namespace Remediator.Engine.Tests;

public class InMemoryAlertDeduplicatorTests
{
    private readonly ManualTimeProvider _time = new();

    private InMemoryAlertDeduplicator Create(int capacity = 100, int windowMinutes = 60) =>
        new(Options.Create(new DeduplicationOptions { Capacity = capacity, Window = TimeSpan.FromMinutes(windowMinutes) }), _time);

    [Fact]
    public void Only_the_first_claim_of_a_key_succeeds()
    {
        var deduplicator = Create();

        deduplicator.TryClaim("k").ShouldBeTrue();
        deduplicator.TryClaim("k").ShouldBeFalse();
        deduplicator.TryClaim("other").ShouldBeTrue();
    }

    [Fact]
    public void A_released_claim_can_be_claimed_again()
    {
        var deduplicator = Create();
        deduplicator.TryClaim("k");

        deduplicator.Release("k");

        deduplicator.TryClaim("k").ShouldBeTrue();
    }

    [Fact]
    public void Keys_are_forgotten_after_the_window()
    {
        var deduplicator = Create(windowMinutes: 60);
        deduplicator.TryClaim("k");

        _time.Advance(TimeSpan.FromMinutes(59));
        deduplicator.TryClaim("k").ShouldBeFalse();

        _time.Advance(TimeSpan.FromMinutes(1));
        deduplicator.TryClaim("k").ShouldBeTrue();
    }

    [Fact]
    public void The_oldest_keys_make_room_when_full()
    {
        var deduplicator = Create(capacity: 2);
        deduplicator.TryClaim("a");
        deduplicator.TryClaim("b");

        deduplicator.TryClaim("c").ShouldBeTrue();

        deduplicator.Count.ShouldBe(2);
        deduplicator.TryClaim("b").ShouldBeFalse();
        deduplicator.TryClaim("a").ShouldBeTrue();
    }
}
