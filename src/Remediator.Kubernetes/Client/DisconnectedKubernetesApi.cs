using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Client;

/// <summary>Dry-run with no cluster configured: every call says so instead of guessing a cluster.</summary>
internal sealed class DisconnectedKubernetesApi(string reason) : IKubernetesApi
{
    public Task<JsonObject> GetVersionAsync(CancellationToken cancellationToken = default) => Fail<JsonObject>();

    public Task<JsonObject> GetAsync(KubernetesResource resource, string? ns, string name, string? subresource = null, CancellationToken cancellationToken = default) => Fail<JsonObject>();

    public Task<IReadOnlyList<JsonObject>> ListAsync(KubernetesResource resource, string? ns, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<JsonObject>>();

    public IAsyncEnumerable<WatchEvent> WatchAsync(KubernetesResource resource, string? ns, string? name, string resourceVersion, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        throw new KubernetesUnavailableException($"no cluster connection: {reason}");

    public Task<ProxyResponse> ProxyAsync(ProxyRequest request, CancellationToken cancellationToken = default) => Fail<ProxyResponse>();

    public Task<JsonObject> CreateAsync(KubernetesResource resource, string? ns, JsonObject body, CancellationToken cancellationToken = default) => Fail<JsonObject>();

    public Task<JsonObject> PatchAsync(KubernetesResource resource, string? ns, string name, PatchKind kind, JsonNode patch, string? subresource = null, CancellationToken cancellationToken = default) => Fail<JsonObject>();

    public Task DeleteAsync(KubernetesResource resource, string? ns, string name, TimeSpan? gracePeriod = null, string? resourceVersion = null, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task EvictAsync(string ns, string pod, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default) => Fail<bool>();

    private Task<T> Fail<T>() => Task.FromException<T>(new KubernetesUnavailableException($"no cluster connection: {reason}"));
}
