using Microsoft.AspNetCore.Http.HttpResults;
using Remediator.Engine.Rules;

namespace Remediator.Api;

/// <summary><c>GET /api/v1/rules</c> and <c>POST /api/v1/rules/reload</c>.</summary>
public static class RulesEndpoints
{
    public const string Route = "/api/v1/rules";
    public const string ReloadFailedType = "urn:remediator:problem:rules-invalid";

    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, GetRules)
            .WithName("GetRules")
            .WithSummary("The rules in force and the outcome of the last (re)load.");
        endpoints.MapPost($"{Route}/reload", ReloadRules)
            .WithName("ReloadRules")
            .WithSummary("Reload the rule files; on errors the rules in force stay unchanged.");
        return endpoints;
    }

    public static Ok<RulesStatus> GetRules(IRuleSetProvider provider) => TypedResults.Ok(RulesStatus.From(provider));

    public static Results<Ok<RulesStatus>, ProblemHttpResult> ReloadRules(IRuleSetProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var status = provider.Reload("api");
        if (status.Succeeded)
        {
            return TypedResults.Ok(RulesStatus.From(provider));
        }

        return TypedResults.Problem(
            detail: $"The rule files have {status.Errors.Count} errors; the {status.RuleCount} rules loaded at {provider.LoadedAt:O} stay in force.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The rules are invalid",
            type: ReloadFailedType,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = status.Errors.Select(error => error.ToString()).ToArray(),
                ["ruleCount"] = status.RuleCount,
            });
    }
}
