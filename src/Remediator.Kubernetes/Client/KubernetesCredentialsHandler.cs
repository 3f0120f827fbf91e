using System.Net;
using k8s.Authentication;
using Microsoft.Extensions.Logging;
using Remediator.Kubernetes.Connection;

namespace Remediator.Kubernetes.Client;

/// <summary>
/// Puts KubernetesClient's credentials (bearer token, exec plugin, token file) on every attempt,
/// inside the retries so a retry carries the current token. A 401 renews a renewable token (a
/// rotated file, an expired plugin token) and sends once more.
/// </summary>
internal sealed class KubernetesCredentialsHandler(ServiceClientCredentials? credentials, ITokenProvider? tokens, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (credentials is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        await AuthorizeAsync(credentials, request, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || tokens is not RenewingTokenProvider renewable)
        {
            return response;
        }

        // The token rotated or expired under us: fetch a fresh one and try exactly once more.
        logger.LogInformation("Kubernetes API answered 401 to {Request}; refreshing credentials and retrying once", RequestTraits.Of(request));
        response.Dispose();
        renewable.Renew();
        await AuthorizeAsync(credentials, request, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    // KubernetesClient's exec provider does not observe the token: stop waiting for a hung plugin
    // when the attempt times out, so the per-attempt timeout holds for the token too.
    // A plugin that fails when run again (a login that expired meanwhile) is the cluster being out of reach, not a bug.
    private static async Task AuthorizeAsync(ServiceClientCredentials credentials, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).WaitAsync(cancellationToken);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new KubernetesUnavailableException($"{RequestTraits.Of(request)}: no credentials: {e.Message}", e);
        }
    }
}
