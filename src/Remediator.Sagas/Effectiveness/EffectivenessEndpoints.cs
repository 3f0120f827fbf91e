using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Remediator.Sagas.Effectiveness;

/// <summary><c>GET /api/v1/rules/{name}/effectiveness</c>: the rule's figures over 24 h, 7 d and 30 d, and its outcomes per day.</summary>
public static class EffectivenessEndpoints
{
    public const string Route = "/api/v1/rules";

    public static RouteGroupBuilder MapEffectivenessEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rules = endpoints.MapGroup(Route);
        rules.MapGet("/{name}/effectiveness", GetEffectiveness)
            .WithName("GetRuleEffectiveness")
            .WithSummary("Did the rule help: runs, verified successes, ladder climbs, escalations, refusals by guard, time to recovery and the share handled without a human, over 24h, 7d and 30d.");
        return rules;
    }

    /// <remarks>A rule with no finished runs (or a name no rule has had) gets zeros, not 404: the history outlives renamed and removed rules.</remarks>
    public static async Task<Ok<RuleEffectiveness>> GetEffectiveness(string name, IRemediationHistory history, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var records = await history.ListAsync(name, now - RuleEffectiveness.Longest, cancellationToken);
        return TypedResults.Ok(RuleEffectiveness.From(name, records, now));
    }
}
