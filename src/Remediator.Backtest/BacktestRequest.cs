using Microsoft.Extensions.Configuration;
using Remediator.Escalation.Policies;
using Remediator.Rules;

namespace Remediator.Backtest;

/// <summary>One backtest: which Prometheus, which range, which rules and policies.</summary>
public sealed record BacktestRequest
{
    public required Uri Prometheus { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary>The range queries' step; at least the alert rules' evaluation interval (see <see cref="History.PrometheusAlertHistory"/>).</summary>
    public TimeSpan Step { get; init; } = History.PrometheusAlertHistory.DefaultStep;

    public required RuleSet Rules { get; init; }

    /// <summary>Where the rules came from, for the report (a path, or "the loaded rules").</summary>
    public required string RulesSource { get; init; }

    public EscalationPolicySet Policies { get; init; } = EscalationPolicySet.Empty;

    public string? Target { get; init; }

    public string? Rule { get; init; }

    public IConfiguration? Configuration { get; init; }
}
