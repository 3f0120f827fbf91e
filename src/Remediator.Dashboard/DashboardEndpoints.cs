using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Remediator.Dashboard;

/// <summary>
/// The dashboard: the page at <c>/</c> and <c>/remediations/{id}</c> (the address escalation
/// messages link to), its files under <c>/dashboard/</c>. The page only reads and acts through the
/// engine's JSON API, with the caller's own token, so it needs no authorization of its own.
/// </summary>
public static class DashboardEndpoints
{
    public const string PageRoute = "/";
    public const string RemediationPageRoute = "/remediations/{id:guid}";
    public const string AssetsPrefix = "/dashboard";
    public const string AssetNotFoundType = "urn:remediator:problem:dashboard-file-not-found";

    /// <summary>
    /// Only the engine's own files and API: the page loads nothing from elsewhere, runs no inline
    /// script, and cannot be framed (the buttons act on a cluster).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapRemediatorDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PageRoute, GetPage)
            .WithName("Dashboard")
            .ExcludeFromDescription()
            .AllowAnonymous();
        endpoints.MapGet(RemediationPageRoute, GetPage)
            .WithName("DashboardRemediation")
            .ExcludeFromDescription()
            .AllowAnonymous();
        endpoints.MapGet($"{AssetsPrefix}/{{file}}", GetAsset)
            .WithName("DashboardAsset")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return endpoints;
    }

    public static FileContentHttpResult GetPage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Serve(context.Response, DashboardAssets.Embedded.Page(context.Request.PathBase));
    }

    public static Results<FileContentHttpResult, ProblemHttpResult> GetAsset(string file, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (DashboardAssets.Embedded.Find(file) is not { } asset)
        {
            return TypedResults.Problem(
                detail: $"The dashboard has no file '{file}'.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Not found",
                type: AssetNotFoundType);
        }

        return Serve(response, asset);
    }

    private static FileContentHttpResult Serve(HttpResponse response, DashboardAsset asset)
    {
        // Revalidated on every load (a 304 while unchanged), so an upgraded engine never runs
        // with yesterday's script.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }
}
