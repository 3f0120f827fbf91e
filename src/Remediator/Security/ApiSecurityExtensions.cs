using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Remediator.Security;

public static class ApiSecurityExtensions
{
    public const string RequestTimeoutType = "urn:remediator:problem:request-timeout";

    /// <summary>
    /// Bearer tokens for the API (<c>Remediator:Api</c>), a request timeout on every endpoint and
    /// Kestrel's body limit for every endpoint (the webhook lifts it for its own, larger limit).
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorApiSecurity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        builder.Services.AddSingleton<ApiTokens>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ApiTokens>());
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ApiOptions>>((timeouts, api) =>
            timeouts.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = api.Value.RequestTimeout,
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
                WriteTimeoutResponse = context => TypedResults.Problem(
                    detail: $"The request took longer than {api.Value.RequestTimeout} ({ApiOptions.SectionName}:RequestTimeout) and was cancelled.",
                    statusCode: StatusCodes.Status504GatewayTimeout,
                    title: "Request timed out",
                    type: RequestTimeoutType).ExecuteAsync(context),
            });
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) =>
            kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes);
        return builder;
    }

    /// <summary>The route group the API's endpoints are mapped in: token check and body limit on each.</summary>
    public static RouteGroupBuilder MapRemediatorApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>();
        var group = endpoints.MapGroup(string.Empty);
        group.AddEndpointFilter<ApiTokenFilter>();
        group.WithMetadata(new ApiRequestSizeLimit(options));
        return group;
    }

    /// <summary>Read per request, so the options are validated with the others at start-up rather than when the routes are mapped.</summary>
    private sealed class ApiRequestSizeLimit(IOptions<ApiOptions> options) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => options.Value.MaxRequestBodyBytes;
    }
}
