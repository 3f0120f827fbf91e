namespace Remediator.Sagas.Tests;

/// <summary>A run stays bounded however many alerts join it.</summary>
public sealed class RemediationRunTests
{
    private static readonly DateTimeOffset _at = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Consecutive_joins_share_one_timeline_entry_and_a_state_change_starts_a_new_one()
    {
        var run = new RemediationRun { RemediationId = Guid.NewGuid(), RequestIds = [] };
        run.Record(_at, "Executing", "restarting");

        run.Join(_at, Guid.NewGuid(), "fp-1", "A (fp-1)");
        run.Join(_at.AddSeconds(1), Guid.NewGuid(), "fp-2", "A (fp-2)");
        run.Join(_at.AddSeconds(2), Guid.NewGuid(), "fp-2", "A (fp-2 again)", "still refused (storm)");
        run.Record(_at.AddSeconds(3), "Verifying", "waiting for the alert to resolve");
        run.Join(_at.AddSeconds(4), Guid.NewGuid(), "fp-3", "A (fp-3)");

        run.Timeline.Select(entry => entry.Reason).ShouldBe([
            "restarting",
            "joined by 3 alerts, the latest A (fp-2 again): still refused (storm)",
            "waiting for the alert to resolve",
            "joined by alert A (fp-3)",
        ]);
        run.Timeline[1].At.ShouldBe(_at.AddSeconds(2));
        run.Fingerprints.ShouldBe(["fp-1", "fp-2", "fp-3"]);
    }

    [Fact]
    public void Request_ids_are_capped_and_the_run_still_knows_the_request_that_started_it()
    {
        var run = new RemediationRun { RemediationId = Guid.NewGuid() };
        run.RequestIds = [run.RemediationId];
        var joined = Enumerable.Range(0, RemediationRun.MaxRequestIds + 10).Select(_ => Guid.NewGuid()).ToList();

        foreach (var id in joined)
        {
            run.Join(_at, id, "fp-1", "A");
        }

        run.RequestIds.Count.ShouldBe(RemediationRun.MaxRequestIds);
        run.Knows(run.RemediationId).ShouldBeTrue();
        run.Knows(joined[^1]).ShouldBeTrue();
        run.Knows(joined[0]).ShouldBeFalse("the oldest joins are forgotten; a redelivery comes soon after its delivery");
        run.Timeline.ShouldHaveSingleItem();
    }

    [Fact]
    public void Fingerprints_are_capped_and_the_run_keeps_its_first_alert()
    {
        var run = new RemediationRun { RemediationId = Guid.NewGuid() };
        run.Join(_at, Guid.NewGuid(), "first", "first");
        for (var i = 0; i < RemediationRun.MaxFingerprints * 2; i++)
        {
            run.Join(_at, Guid.NewGuid(), $"fp-{i}", $"alert {i}");
        }

        run.Fingerprints.Count.ShouldBe(RemediationRun.MaxFingerprints);
        run.Fingerprints[0].ShouldBe("first");
        run.Fingerprints[^1].ShouldBe($"fp-{(RemediationRun.MaxFingerprints * 2) - 1}");
    }
}
