using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Tests.Shared;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>How repeats are folded into one Event, and what the bounded memory of series forgets first.</summary>
public sealed class EventAggregationTests
{
    private static readonly TimeSpan _window = TimeSpan.FromMinutes(10);

    private static EventAggregation.Key Key(string name, string reason = RemediationEvents.RefusedReason) =>
        new(new InvolvedObject(KubernetesResource.Deployments, "shop", name), reason, "Warning");

    [Fact]
    public void A_repeat_counts_on_the_series_event_and_another_reason_or_object_is_a_series_of_its_own()
    {
        var aggregation = new EventAggregation(_window);
        var now = TestClock.Start;

        var first = aggregation.Observe(Key("cart"), "refused", now);
        var repeat = aggregation.Observe(Key("cart"), "refused", now.AddMinutes(1));
        var otherReason = aggregation.Observe(Key("cart", RemediationEvents.FailedReason), "failed", now.AddMinutes(1));
        var otherObject = aggregation.Observe(Key("checkout"), "refused", now.AddMinutes(1));

        first.Count.ShouldBe(1);
        first.EventName.ShouldStartWith("cart.");
        repeat.ShouldBe(first with { Count = 2 });
        otherReason.Count.ShouldBe(1);
        otherObject.Count.ShouldBe(1);
        new[] { first.EventName, otherReason.EventName, otherObject.EventName }.Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void A_different_message_is_shown_combined_as_client_go_shows_it()
    {
        var aggregation = new EventAggregation(_window);

        aggregation.Observe(Key("cart"), "run 1", TestClock.Start);
        var second = aggregation.Observe(Key("cart"), "run 2", TestClock.Start.AddMinutes(1));
        var again = aggregation.Observe(Key("cart"), "run 2", TestClock.Start.AddMinutes(2));

        second.Message.ShouldBe(EventAggregation.CombinedPrefix + "run 2");
        again.ShouldBe(second with { Count = 3 });
    }

    [Fact]
    public void With_a_zero_window_every_occurrence_is_an_event_of_its_own()
    {
        var aggregation = new EventAggregation(TimeSpan.Zero);

        var first = aggregation.Observe(Key("cart"), "refused", TestClock.Start);
        var second = aggregation.Observe(Key("cart"), "refused", TestClock.Start);

        second.Count.ShouldBe(1);
        second.EventName.ShouldNotBe(first.EventName);
    }

    [Fact]
    public void When_full_the_expired_series_go_first_then_the_least_recently_seen()
    {
        var aggregation = new EventAggregation(_window);
        var start = TestClock.Start;

        // One series whose window has passed, then a full memory of live ones; "oldest-live" is
        // the least recently seen of those, "touched" was seen again last.
        aggregation.Observe(Key("expired"), "m", start);
        aggregation.Observe(Key("oldest-live"), "m", start.AddMinutes(5));
        aggregation.Observe(Key("touched"), "m", start.AddMinutes(5));
        for (var i = 0; i < EventAggregation.MaxEntries - 3; i++)
        {
            aggregation.Observe(Key($"live-{i}"), "m", start.AddMinutes(6));
        }

        aggregation.Observe(Key("touched"), "m", start.AddMinutes(7));
        var now = start.AddMinutes(11);

        // The first new series makes room by dropping the expired one; the next, the least recently seen.
        aggregation.Observe(Key("new-1"), "m", now).Count.ShouldBe(1);
        aggregation.Observe(Key("new-2"), "m", now).Count.ShouldBe(1);

        aggregation.Observe(Key("touched"), "m", now).Count.ShouldBe(3);
        aggregation.Observe(Key("live-0"), "m", now).Count.ShouldBe(2);
        aggregation.Observe(Key("oldest-live"), "m", now).Count.ShouldBe(1, "dropped when the memory was full");
    }

    [Fact]
    public void A_forgotten_series_starts_again_and_forgetting_another_events_name_changes_nothing()
    {
        var aggregation = new EventAggregation(_window);
        var first = aggregation.Observe(Key("cart"), "m", TestClock.Start);

        aggregation.Forget(Key("cart"), "someone-else.123");
        aggregation.Observe(Key("cart"), "m", TestClock.Start.AddMinutes(1)).Count.ShouldBe(2);

        aggregation.Forget(Key("cart"), first.EventName);
        aggregation.Observe(Key("cart"), "m", TestClock.Start.AddMinutes(2)).ShouldSatisfyAllConditions(
            o => o.Count.ShouldBe(1),
            o => o.EventName.ShouldNotBe(first.EventName));
    }
}
