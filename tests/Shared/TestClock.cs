using Microsoft.Extensions.Time.Testing;

namespace Remediator.Tests.Shared;

/// <summary>The tests' fake clock (Microsoft.Extensions.TimeProvider.Testing): it moves only when advanced, firing the timers that fall due.</summary>
internal static class TestClock
{
    /// <summary>When every fake clock starts: the day the tests' alerts and rules are written for.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);
}
