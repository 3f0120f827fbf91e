using Remediator.Tests.Shared;

namespace Remediator.Backtest.Tests;

public sealed class BacktestTimeTests
{
    private static readonly DateTimeOffset _now = TestClock.Start;

    [Theory]
    [InlineData("7d", -7 * 24 * 60)]
    [InlineData("36h", -36 * 60)]
    [InlineData("90m", -90)]
    [InlineData("now", 0)]
    public void Durations_are_ago(string text, int minutes)
    {
        BacktestTime.TryParse(text, _now, out var value, out _).ShouldBeTrue();
        value.ShouldBe(_now.AddMinutes(minutes));
    }

    [Theory]
    [InlineData("2026-11-20T10:00:00Z", "2026-11-20T10:00:00+00:00")]
    [InlineData("2026-11-20T12:00:00+02:00", "2026-11-20T10:00:00+00:00")]
    public void RFC_3339_times_need_an_offset(string text, string expected)
    {
        BacktestTime.TryParse(text, _now, out var value, out _).ShouldBeTrue();
        value.ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-11-20")]
    [InlineData("2026-11-20T10:00:00")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Anything_else_is_refused_with_the_forms_named(string text)
    {
        BacktestTime.TryParse(text, _now, out _, out var error).ShouldBeFalse();
        error.ShouldContain("7d");
    }
}
