using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;

namespace Remediator.Hosting;

public static class WebHostingExtensions
{
    /// <summary>Loopback only by default: the webhook is reached through a Service or sidecar, not exposed by accident.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9095";

    /// <summary>Listens on <see cref="DefaultUrl"/> unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>HTTP_PORTS</c> say otherwise.</summary>
    public static WebApplicationBuilder UseRemediatorDefaultUrl(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpPortsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpsPortsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }

    /// <summary>Enums as names in every JSON response: <c>"firing"</c> reads better than <c>0</c>.</summary>
    public static IHostApplicationBuilder AddRemediatorJson(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        return builder;
    }
}
