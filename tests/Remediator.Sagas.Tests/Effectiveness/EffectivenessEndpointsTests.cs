using Microsoft.Extensions.Time.Testing;
using Remediator.Sagas.Effectiveness;
using Remediator.Tests.Shared;

namespace Remediator.Sagas.Tests.Effectiveness;

/// <summary>The effectiveness figures from a rule's recorded runs, over windows that slide with a fake clock.</summary>
public sealed class EffectivenessEndpointsTests
{
    private const string Rule = "restart-on-crash";

    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly InMemoryRemediationHistory _history = new();

    [Fact]
    public async Task The_figures_count_outcomes_recoveries_and_the_share_handled_without_a_human()
    {
        // Verified in 4 min (2 alerts), after a ladder climb in 20 min, escalated after a climb,
        // refused by the cooldown, verified in 10 min after a person approved, and a dry run.
        await RecordAsync(TimeSpan.Zero, TimeSpan.FromMinutes(4), "Succeeded", alerts: 2);
        await RecordAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(20), "Succeeded", attempts: 2);
        await RecordAsync(TimeSpan.FromHours(2), TimeSpan.FromMinutes(20), "Escalated", attempts: 2);
        await RecordAsync(TimeSpan.FromHours(3), TimeSpan.Zero, "Refused", code: "cooldown");
        await RecordAsync(TimeSpan.FromHours(4), TimeSpan.FromMinutes(10), "Succeeded", approved: true);
        await RecordAsync(TimeSpan.FromHours(5), TimeSpan.Zero, "Succeeded", dryRun: true);
        await RecordAsync(TimeSpan.FromHours(5), TimeSpan.Zero, "Succeeded", rule: "another-rule");
        _clock.Advance(TimeSpan.FromHours(6));

        var day = Window(await GetAsync(), "24h");
        day.Runs.ShouldBe(6);
        day.VerifiedSuccesses.ShouldBe(3);
        day.LadderClimbs.ShouldBe(2);
        day.Escalations.ShouldBe(1);
        day.Refusals.ShouldBe(new Dictionary<string, int> { ["cooldown"] = 1 });
        day.MedianTimeToRecovery.ShouldBe(TimeSpan.FromMinutes(10));
        day.P90TimeToRecovery.ShouldBe(TimeSpan.FromMinutes(20));
        day.Alerts.ShouldBe(7);
        day.HandledWithoutHuman.ShouldBe(3.0 / 7);
    }

    [Fact]
    public async Task Runs_leave_each_window_as_the_clock_moves_on()
    {
        await RecordAsync(TimeSpan.Zero, TimeSpan.FromMinutes(4), "Succeeded");
        await RecordAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), "Escalated");

        _clock.Advance(TimeSpan.FromDays(2));
        var effectiveness = await GetAsync();
        Window(effectiveness, "24h").ShouldBe(new EffectivenessWindow("24h", 0, 0, 0, 0, new Dictionary<string, int>(), null, null, 0, null), new WindowComparer());
        Window(effectiveness, "7d").Runs.ShouldBe(2);
        var today = DateOnly.FromDateTime(TestClock.Start.UtcDateTime);
        effectiveness.Days.Count.ShouldBe(30);
        effectiveness.Days.Single(d => d.Day == today).ShouldBe(new EffectivenessDay(today, Verified: 1, Escalated: 1, Refused: 0, Other: 0));
        effectiveness.Days[^1].Day.ShouldBe(today.AddDays(2));

        _clock.Advance(TimeSpan.FromDays(6));
        effectiveness = await GetAsync();
        Window(effectiveness, "7d").Runs.ShouldBe(0);
        Window(effectiveness, "30d").Runs.ShouldBe(2);

        _clock.Advance(TimeSpan.FromDays(23));
        (await GetAsync()).Windows.ShouldAllBe(w => w.Runs == 0);
    }

    private async Task<RuleEffectiveness> GetAsync() =>
        (await EffectivenessEndpoints.GetEffectiveness(Rule, _history, _clock, CancellationToken.None)).Value!;

    private static EffectivenessWindow Window(RuleEffectiveness effectiveness, string name) => effectiveness.Windows.Single(w => w.Window == name);

    private Task RecordAsync(TimeSpan requestedAfter, TimeSpan took, string state, int attempts = 1, int alerts = 1, string? code = null, bool approved = false, bool dryRun = false, string rule = Rule)
    {
        var requestedAt = TestClock.Start + requestedAfter;
        return _history.RecordAsync(new RemediationRecord(Guid.NewGuid(), rule, "deployment/shop/cart", state, code, attempts, alerts, requestedAt, requestedAt + took, dryRun, approved), CancellationToken.None);
    }

    /// <summary>Records compare their dictionaries by reference; this compares the refusals by content.</summary>
    private sealed class WindowComparer : IEqualityComparer<EffectivenessWindow>
    {
        public bool Equals(EffectivenessWindow? x, EffectivenessWindow? y) =>
            x is not null && y is not null && x with { Refusals = y.Refusals } == y && x.Refusals.OrderBy(r => r.Key).SequenceEqual(y.Refusals.OrderBy(r => r.Key));

        public int GetHashCode(EffectivenessWindow obj) => obj.Window.GetHashCode(StringComparison.Ordinal);
    }
}
