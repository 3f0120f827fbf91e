namespace Remediator.IntegrationTests.Scheduling;

/// <summary>
/// The system clock moved by <paramref name="offset"/>: an engine that (re)starts that much later,
/// without waiting for it. Not a FakeTimeProvider: that one stands still until advanced, and the
/// engine under test runs on real timers (its dispatcher polls, the broker delivers) that must keep
/// moving while the test only waits.
/// </summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
