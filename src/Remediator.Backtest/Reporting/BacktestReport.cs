namespace Remediator.Backtest.Reporting;

/// <summary>What the rules would have done with the alert history of one range: <c>remediator rules backtest</c>'s output.</summary>
public sealed record BacktestReport
{
    public required string Prometheus { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public required TimeSpan Step { get; init; }

    public required string Rules { get; init; }

    /// <summary>What the simulation assumes where history cannot tell (grouping delays, step outcomes, people).</summary>
    public required IReadOnlyList<string> Assumptions { get; init; }

    public required BacktestAlerts Alerts { get; init; }

    /// <summary>Every loaded rule in file order, including those no alert matched.</summary>
    public required IReadOnlyList<RuleBacktest> RuleResults { get; init; }

    /// <summary>Every time the storm brake engaged, oldest first.</summary>
    public required IReadOnlyList<StormBrake> Storms { get; init; }

    /// <summary>The target whose timeline was asked for (<c>--target</c>), else null.</summary>
    public string? Target { get; init; }

    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];
}
