namespace Remediator.Backtest.Reporting;

/// <summary>One event of the chosen target's timeline: an alert, a guard decision, an attempt, an outcome, a page.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string? Rule, string Event);
