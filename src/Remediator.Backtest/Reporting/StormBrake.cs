namespace Remediator.Backtest.Reporting;

/// <summary>The storm brake engaged: <paramref name="FiringTargets"/> distinct targets had fired within the storm window.</summary>
public sealed record StormBrake(DateTimeOffset At, string Rule, string Target, int FiringTargets, IReadOnlyList<string> Targets);
