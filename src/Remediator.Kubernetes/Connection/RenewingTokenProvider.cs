using System.Net.Http.Headers;
using k8s.Authentication;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Connection;

/// <summary>
/// A KubernetesClient token provider that can be renewed: rebuilt every <c>renewAfter</c> (a
/// token file the kubelet rotates) and when the server rejects its token. KubernetesClient's own
/// providers cache without a way to forget (TokenFileAuth on the wall clock for a fixed minute,
/// ExecTokenProvider until the plugin's expiry), so after a 401 there would be no fresh token.
/// </summary>
internal sealed class RenewingTokenProvider(Func<ITokenProvider> create, TimeSpan renewAfter, TimeProvider time) : ITokenProvider
{
    private readonly Lock _gate = new();
    private ITokenProvider? _current;
    private DateTimeOffset _createdAt;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        ITokenProvider provider;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_current is null || now - _createdAt >= renewAfter)
            {
                _current = create();
                _createdAt = now;
            }

            provider = _current;
        }

        try
        {
            return await provider.GetAuthenticationHeaderAsync(cancellationToken);
        }
        catch (Exception e) when (Unreadable(e) is { } cause)
        {
            throw new KubernetesUnavailableException($"cannot read the Kubernetes token: {cause.Message}", e);
        }
    }

    // TokenFileAuth may wrap the file's error in an AggregateException.
    private static Exception? Unreadable(Exception e) => e switch
    {
        IOException or UnauthorizedAccessException => e,
        AggregateException { InnerExceptions: [var inner] } => Unreadable(inner),
        _ => null,
    };

    /// <summary>The server answered 401: the next request builds a fresh provider (re-reads the file, runs the plugin again).</summary>
    public void Renew()
    {
        lock (_gate)
        {
            _current = null;
        }
    }
}
