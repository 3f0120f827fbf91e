using System.Globalization;
using System.Text.Json.Nodes;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Client;

/// <summary>
/// The reads the engine makes against the Kubernetes API, in its own terms: objects are
/// <see cref="JsonObject"/>s exactly as the API serves them. Failures are
/// <see cref="KubernetesApiException"/> (the server answered with an error Status) or
/// <see cref="KubernetesUnavailableException"/> (it could not be reached in time).
/// </summary>
public interface IKubernetesReader
{
    /// <summary>
    /// <c>GET /version</c>: the cheapest authenticated request there is, and one no Role has to
    /// grant (the bootstrap role system:public-info-viewer lets every identity read it).
    /// </summary>
    Task<JsonObject> GetVersionAsync(CancellationToken cancellationToken = default);

    Task<JsonObject> GetAsync(KubernetesResource resource, string? ns, string name, string? subresource = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<JsonObject>> ListAsync(KubernetesResource resource, string? ns, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches one object (<paramref name="name"/>) or the collection for changes after
    /// <paramref name="resourceVersion"/> (<c>?watch=true</c>), until the server ends the stream
    /// (after <paramref name="timeout"/>, or for its own reasons: then re-read and watch again).
    /// A resourceVersion the server no longer remembers is a 410 Expired <see cref="KubernetesApiException"/>.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(KubernetesResource resource, string? ns, string? name, string resourceVersion, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A request to a pod or service through the API server's proxy. Any answer from the pod,
    /// whatever its status code, is returned rather than thrown.
    /// </summary>
    Task<ProxyResponse> ProxyAsync(ProxyRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Reads and writes. Actions only write through their context, which honours dry-run.</summary>
public interface IKubernetesApi : IKubernetesReader
{
    Task<JsonObject> CreateAsync(KubernetesResource resource, string? ns, JsonObject body, CancellationToken cancellationToken = default);

    Task<JsonObject> PatchAsync(KubernetesResource resource, string? ns, string name, PatchKind kind, JsonNode patch, string? subresource = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; with <paramref name="resourceVersion"/>, only at that version (a precondition: 409 Conflict if it changed since).</summary>
    Task DeleteAsync(KubernetesResource resource, string? ns, string name, TimeSpan? gracePeriod = null, string? resourceVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Evicts a pod through the <c>policy/v1</c> Eviction API, which honours PodDisruptionBudgets.</summary>
    Task EvictAsync(string ns, string pod, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default);
}

public enum ProxyTargetKind
{
    Pod,
    Service,
}

/// <summary>An HTTP request to <c>{pod or service}:{port}{path}</c> through the API server.</summary>
public sealed record ProxyRequest(ProxyTargetKind Kind, string Namespace, string Name, int Port, HttpMethod Method, string Path)
{
    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>GET and HEAD change nothing and may be retried.</summary>
    public bool IsIdempotent => Method == HttpMethod.Get || Method == HttpMethod.Head;

    /// <summary>
    /// The API server path this request goes to: <c>/api/v1/namespaces/{ns}/pods/{name}:{port}/proxy{Path}</c>
    /// (or <c>services</c>). Throws <see cref="ArgumentException"/> when <see cref="Path"/> could leave
    /// that proxy path (<see cref="RequestPaths.PathProblem"/>): a <c>..</c> would reach any API path,
    /// sent with the engine's own token, and whatever it read would land in the step's result.
    /// </summary>
    public string ApiPath => RequestPaths.PathProblem(Path) is { } problem
        ? throw new ArgumentException($"a {Kind.ToString().ToLowerInvariant()} proxy request may not leave the proxy path: {problem}", nameof(Path))
        : string.Create(CultureInfo.InvariantCulture, $"{(Kind == ProxyTargetKind.Pod ? KubernetesResource.Pods : KubernetesResource.Services).PathFor(Namespace)}/{Uri.EscapeDataString(Name)}:{Port}/proxy{Path}");
}

public sealed record ProxyResponse(int StatusCode, string Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Set when the API server answered instead of the pod or service: it refused to forward
    /// (400 "address not allowed"), could not reach the pod (503 "error trying to reach
    /// service"), or found no such pod (404). Null when the answer is the pod's own.
    /// </summary>
    public ProxyRefusal? Refusal { get; init; }
}

/// <summary>The API server's own error <c>Status</c> for a proxied request that never reached the pod.</summary>
public sealed record ProxyRefusal(string? Reason, string Message)
{
    public override string ToString() => $"refused by the API server, not answered by the pod ({Reason ?? "no reason"}): {Message}";
}

/// <summary>One change from a watch: <c>ADDED</c>, <c>MODIFIED</c>, <c>DELETED</c> or <c>BOOKMARK</c> (only a newer resourceVersion).</summary>
public sealed record WatchEvent(string Type, JsonObject Item)
{
    public string? ResourceVersion => Item["metadata"]?["resourceVersion"]?.GetValue<string>();
}
