using System.Diagnostics;

namespace Remediator.Observability.Telemetry;

/// <summary>
/// Marks an outgoing request whose URL is a credential (Slack and Teams incoming webhooks, generic
/// webhooks with a token in the path): its client span records the scheme and host only.
/// </summary>
public static class SecretUrl
{
    /// <summary>Set to true on <see cref="HttpRequestMessage.Options"/> before sending.</summary>
    public static readonly HttpRequestOptionsKey<bool> Key = new("Remediator.SecretUrl");

    /// <summary>The semantic-convention attribute holding the whole URL of a client request.</summary>
    internal const string UrlAttribute = "url.full";

    public static void Mark(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Key, true);
    }

    /// <summary>Replaces the recorded URL of a marked request with its origin.</summary>
    internal static void Redact(Activity activity, HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(Key, out var secret) && secret && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            activity.SetTag(UrlAttribute, uri.GetLeftPart(UriPartial.Authority));
        }
    }
}
