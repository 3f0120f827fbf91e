using Remediator.Intake;

namespace Remediator.Security;

/// <summary>
/// Guards an API route group: mutating requests (anything but GET, HEAD, OPTIONS) need
/// <c>Authorization: Bearer &lt;token&gt;</c> with an accepted token; reads too when
/// <see cref="ApiOptions.RequireAuthForReads"/>. The header is never logged.
/// </summary>
public sealed partial class ApiTokenFilter(ApiTokens tokens, ILogger<ApiTokenFilter> logger) : IEndpointFilter
{
    public const string UnauthorizedType = WebhookProblems.UnauthorizedType;
    public const string NotConfiguredType = "urn:remediator:problem:api-token-not-configured";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var request = http.Request;
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        if (isRead && !tokens.RequireAuthForReads)
        {
            return await next(context);
        }

        if (!tokens.IsConfigured)
        {
            return TypedResults.Problem(
                detail: $"No API token is configured, so {request.Method} {request.Path} is refused. Set {ApiOptions.SectionName}:BearerToken (env Remediator__Api__BearerToken) or {ApiOptions.SectionName}:BearerTokenFile, or let the engine generate one ({ApiOptions.SectionName}:GenerateToken).",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The API has no token configured",
                type: NotConfiguredType);
        }

        if (AuthorizationHeader.BearerToken(request.Headers.Authorization.ToString()) is { } token && tokens.Accepts(token))
        {
            return await next(context);
        }

        LogRejected(logger, request.Method, request.Path, http.Connection.RemoteIpAddress);
        http.Response.Headers.WWWAuthenticate = $"{AuthorizationHeader.BearerScheme} realm=\"remediator\"";
        return TypedResults.Problem(
            detail: $"{request.Method} {request.Path} needs 'Authorization: Bearer <token>' with a token from {ApiOptions.SectionName} (or the generated one in {ApiOptions.SectionName}:GeneratedTokenPath, default data/api-token).",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or invalid API token",
            type: UnauthorizedType);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {Method} {Path} from {RemoteIp}: missing or invalid API token")]
    private static partial void LogRejected(ILogger logger, string method, PathString path, System.Net.IPAddress? remoteIp);
}
