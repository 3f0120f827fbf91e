using System.Security.Cryptography.X509Certificates;

namespace Remediator.Kubernetes.Connection;

/// <summary>The pod's own service account, as client-go's in-cluster config reads it.</summary>
public static class InClusterConfig
{
    /// <summary>True when running in a pod: the service env vars and the token file are present.</summary>
    public static bool IsAvailable(Func<string, string?> environment, string serviceAccountDirectory) =>
        !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) &&
        !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_PORT")) &&
        File.Exists(Path.Combine(serviceAccountDirectory, "token"));

    public static KubernetesConnection Load(Func<string, string?> environment, string serviceAccountDirectory, TimeSpan tokenRefreshInterval, TimeProvider time)
    {
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeconfigException("in-cluster mode needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (is the engine running in a pod?)");
        }

        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenPath))
        {
            throw new KubeconfigException($"in-cluster mode needs the service-account token at {tokenPath} (is automountServiceAccountToken off?)");
        }

        var authorities = new X509Certificate2Collection();
        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        if (File.Exists(caPath))
        {
            authorities.ImportFromPemFile(caPath);
        }

        var namespacePath = Path.Combine(serviceAccountDirectory, "namespace");
        var ns = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : "default";
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new KubernetesConnection
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            Description = $"in-cluster service account, server https://{hostPart}:{port}, namespace \"{ns}\"",
            Namespace = ns,
            CertificateAuthorities = authorities,
            Credentials = new TokenFile(tokenPath, tokenRefreshInterval, time),
        };
    }
}
