namespace Remediator.Backtest.Reporting;

/// <summary>The alert history read: distinct alerts (label sets), their firing episodes and how many resolved within the range.</summary>
public sealed record BacktestAlerts(int Series, int Firing, int Resolved, int MatchedByNoRule);
