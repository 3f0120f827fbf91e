namespace Remediator.Kubernetes.Client;

/// <summary>What the resilience handler and error messages need to know about one request; it travels in the request's options.</summary>
internal sealed record RequestTraits(string Verb, KubernetesResource? Resource, string? Namespace, string? Name, string? Subresource, bool Idempotent)
{
    public static HttpRequestOptionsKey<RequestTraits> Option { get; } = new("remediator.kubernetes.request");

    public bool Proxy { get; init; }

    public bool RetryThrottled { get; init; } = true;

    /// <summary>A path outside the REST resources (<c>/version</c>), which RBAC matches against nonResourceURLs.</summary>
    public string? Path { get; init; }

    public string RbacResource => Resource is null ? $"path {Path}" : Subresource is null ? Resource.QualifiedName : $"{Resource.QualifiedName}/{Subresource}";

    public static RequestTraits NonResource(string verb, string path) => new(verb, null, null, null, null, Idempotent: true) { Path = path };

    /// <summary>The traits the client attached; a request sent without them (none is) counts as a non-idempotent one.</summary>
    public static RequestTraits Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Option, out var traits) ? traits : new RequestTraits(request.Method.Method.ToLowerInvariant(), null, null, null, null, Idempotent: false) { Path = request.RequestUri?.AbsolutePath };

    public override string ToString() =>
        Path is not null ? $"{Verb} {Path}" : $"{Verb} {RbacResource} {(Namespace is null ? "" : Namespace + "/")}{Name ?? "*"}";
}
