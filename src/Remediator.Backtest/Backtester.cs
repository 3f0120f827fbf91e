using Remediator.Backtest.History;
using Remediator.Backtest.Reporting;
using Remediator.Backtest.Simulation;

namespace Remediator.Backtest;

/// <summary>Reads the alert history of a range from Prometheus and replays it through the rules and guards.</summary>
public static class Backtester
{
    /// <summary>The longest range one backtest reads: Prometheus's default retention is 15 days, and a longer range is rarely kept.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(90);

    /// <exception cref="AlertHistoryException">Prometheus cannot be reached or refuses the queries.</exception>
    /// <exception cref="ArgumentException">The range is empty, reversed or longer than <see cref="MaxRange"/>.</exception>
    public static async Task<BacktestReport> RunAsync(HttpClient http, BacktestRequest request, Action<HistoryProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (request.To <= request.From)
        {
            throw new ArgumentException($"the range's end ({request.To:O}) must be after its start ({request.From:O})", nameof(request));
        }

        if (request.To - request.From > MaxRange)
        {
            throw new ArgumentException($"the range ({request.To - request.From}) is longer than {MaxRange.TotalDays} days", nameof(request));
        }

        var episodes = await new PrometheusAlertHistory(http, request.Prometheus).ReadAsync(request.From, request.To, request.Step, progress, cancellationToken);
        var (alerts, rules, storms, timeline) = await BacktestSimulator.RunAsync(
            request.Rules,
            request.Policies,
            episodes,
            new BacktestSettings { From = request.From, To = request.To, Target = request.Target, Rule = request.Rule, Configuration = request.Configuration },
            cancellationToken);
        return new BacktestReport
        {
            Prometheus = request.Prometheus.ToString(),
            From = request.From,
            To = request.To,
            Step = request.Step,
            Rules = request.RulesSource,
            Assumptions = BacktestSimulator.Assumptions,
            Alerts = alerts,
            RuleResults = rules,
            Storms = storms,
            Target = request.Target,
            Timeline = timeline,
        };
    }
}
