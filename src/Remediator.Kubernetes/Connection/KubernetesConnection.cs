using System.Security.Cryptography.X509Certificates;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Connection;

/// <summary>Where the API server is, how to trust it and how to authenticate to it.</summary>
public sealed class KubernetesConnection
{
    public required Uri Server { get; init; }

    /// <summary>Says where the settings came from, for logs: never contains secrets.</summary>
    public required string Description { get; init; }

    /// <summary>The context's (or the pod's) namespace; used when a target names none.</summary>
    public string? Namespace { get; init; }

    /// <summary>Roots to trust instead of the system store; empty means the system store.</summary>
    public X509Certificate2Collection CertificateAuthorities { get; init; } = [];

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name the server certificate is checked against (and sent as SNI) instead of the host.</summary>
    public string? TlsServerName { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Bearer-token source; null when the client certificate alone authenticates.</summary>
    public IKubernetesCredentials? Credentials { get; init; }
}

/// <summary>A source of bearer tokens that can be told the last one was rejected.</summary>
public interface IKubernetesCredentials
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>The server answered 401: forget the cached token. True when a fresh one may differ.</summary>
    bool Invalidate();
}

/// <summary>A token written in the kubeconfig: nothing to refresh.</summary>
internal sealed class StaticToken(string token) : IKubernetesCredentials
{
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);

    public bool Invalidate() => false;
}

/// <summary>
/// A token read from a file that the kubelet (or whoever) rotates: re-read every
/// <c>refreshInterval</c> and after a 401, as client-go does for projected service-account tokens.
/// </summary>
internal sealed class TokenFile(string path, TimeSpan refreshInterval, TimeProvider time) : IKubernetesCredentials
{
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _readAt;

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_token is null || now - _readAt >= refreshInterval)
            {
                try
                {
                    _token = File.ReadAllText(path).Trim();
                }
                catch (IOException e)
                {
                    throw new KubernetesUnavailableException($"cannot read the token file {path}: {e.Message}", e);
                }
                catch (UnauthorizedAccessException e)
                {
                    throw new KubernetesUnavailableException($"cannot read the token file {path}: {e.Message}", e);
                }

                _readAt = now;
            }

            return ValueTask.FromResult(_token);
        }
    }

    public bool Invalidate()
    {
        lock (_gate)
        {
            _token = null;
            return true;
        }
    }
}
