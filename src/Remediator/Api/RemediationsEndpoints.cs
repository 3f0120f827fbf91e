using Microsoft.AspNetCore.Http.HttpResults;
using Remediator.Contracts;
using Remediator.Engine.Remediations;

namespace Remediator.Api;

/// <summary><c>GET /api/v1/remediations</c>: the recent remediation requests, newest first.</summary>
public static class RemediationsEndpoints
{
    public const string Route = "/api/v1/remediations";

    public static IEndpointRouteBuilder MapRemediationsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, GetRemediations)
            .WithName("GetRemediations")
            .WithSummary("The recent remediation requests, newest first.");
        return endpoints;
    }

    public static Ok<IReadOnlyList<RemediationRequested>> GetRemediations(IRemediationLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return TypedResults.Ok(log.Recent());
    }
}
