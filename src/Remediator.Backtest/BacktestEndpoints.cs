using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Remediator.Backtest.History;
using Remediator.Backtest.Reporting;
using Remediator.Engine.Rules;
using Remediator.Escalation.Policies;
using Remediator.Sagas.Verification;

namespace Remediator.Backtest;

/// <summary>
/// <c>POST /api/v1/rules/{name}/backtest?days=N</c>: the backtest of one rule over the last N days,
/// against the Prometheus the engine verifies with (<c>Remediator:Prometheus:Url</c>), with the
/// rules, escalation policies and guard settings in force. A POST, so it needs the API token:
/// one call can send a hundred range queries to Prometheus.
/// </summary>
public static class BacktestEndpoints
{
    public const string Route = "/api/v1/rules";
    public const string NoPrometheusType = "urn:remediator:problem:prometheus-not-configured";
    public const string HistoryUnavailableType = "urn:remediator:problem:alert-history-unavailable";
    public const string RuleNotFoundType = "urn:remediator:problem:rule-not-found";
    public const string BadQueryType = "urn:remediator:problem:bad-query";

    /// <summary>The days a dashboard backtest covers when none are given, and the most it may ask for.</summary>
    public const int DefaultDays = 7;

    public const int MaxDays = 30;

    /// <summary>How long one range query may take.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(30);

    public static RouteGroupBuilder MapBacktestEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rules = endpoints.MapGroup(Route);
        rules.MapPost("/{name}/backtest", BacktestRule)
            .WithName("BacktestRule")
            .WithSummary("What the rule would have done with the alerts Prometheus fired over the last N days (1 to 30, default 7).");
        return rules;
    }

    public static async Task<Results<Ok<BacktestReport>, ProblemHttpResult>> BacktestRule(
        string name,
        int? days,
        IRuleSetProvider rules,
        IEscalationPolicyProvider policies,
        IOptions<PrometheusOptions> prometheus,
        IConfiguration configuration,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(prometheus);
        ArgumentNullException.ThrowIfNull(time);
        var span = days ?? DefaultDays;
        if (span is < 1 or > MaxDays)
        {
            return TypedResults.Problem(detail: $"days must be between 1 and {MaxDays}, found {span}", statusCode: StatusCodes.Status400BadRequest, title: "Bad query", type: BadQueryType);
        }

        var ruleSet = rules.Current;
        if (ruleSet.Rules.All(rule => rule.Name != name))
        {
            return TypedResults.Problem(detail: $"no rule named '{name}' is loaded", statusCode: StatusCodes.Status404NotFound, title: "No such rule", type: RuleNotFoundType);
        }

        if (prometheus.Value.Url is not { } url)
        {
            return TypedResults.Problem(
                detail: $"no Prometheus is configured to read the alert history from: set {PrometheusOptions.SectionName}:Url (the Prometheus that evaluates your alert rules), or run `remediator rules backtest --prometheus URL`",
                statusCode: StatusCodes.Status409Conflict,
                title: "No Prometheus configured",
                type: NoPrometheusType);
        }

        var now = time.GetUtcNow();
        using var http = new HttpClient { Timeout = QueryTimeout };
        try
        {
            return TypedResults.Ok(await Backtester.RunAsync(
                http,
                new BacktestRequest
                {
                    Prometheus = url,
                    From = now - TimeSpan.FromDays(span),
                    To = now,
                    Rules = ruleSet,
                    RulesSource = rules.RulesPath,
                    Policies = policies.Current,
                    Rule = name,
                    Configuration = configuration,
                },
                progress: null,
                cancellationToken));
        }
        catch (AlertHistoryException e)
        {
            return TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status502BadGateway, title: "The alert history could not be read", type: HistoryUnavailableType);
        }
    }
}
