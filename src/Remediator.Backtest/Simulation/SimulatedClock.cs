namespace Remediator.Backtest.Simulation;

/// <summary>
/// The backtest's clock: it shows the instant of the event being replayed, so the guards measure
/// cooldowns, attempt windows and the storm window in history's time. It only moves forward.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void MoveTo(DateTimeOffset at)
    {
        if (at > _now)
        {
            _now = at;
        }
    }
}
