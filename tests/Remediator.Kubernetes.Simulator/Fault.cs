namespace Remediator.Kubernetes.Simulator;

/// <summary>
/// An injected failure: the next <see cref="Times"/> requests matching <see cref="Method"/>,
/// <see cref="PathContains"/> and <see cref="QueryContains"/> are delayed by <see cref="Delay"/> and, when <see cref="StatusCode"/>
/// is set, answered with that code (and a Retry-After header when <see cref="RetryAfter"/> is set)
/// instead of being served.
/// </summary>
public sealed record Fault
{
    public string? Method { get; init; }

    public string? PathContains { get; init; }

    /// <summary>Matches the raw query string, e.g. <c>watch=true</c> to fail only watches.</summary>
    public string? QueryContains { get; init; }

    public int? StatusCode { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public TimeSpan Delay { get; init; }

    public int Times { get; init; } = 1;
}

/// <summary>One request the simulator answered, in arrival order.</summary>
public sealed record RequestLogEntry(
    DateTimeOffset At,
    string Method,
    string Path,
    string Query,
    string? ContentType,
    string? Body,
    string? Token,
    int StatusCode)
{
    /// <summary>The client's <c>User-Agent</c> header, as an audit log records it.</summary>
    public string? UserAgent { get; init; }

    /// <summary>True for requests that would change the cluster.</summary>
    public bool Mutating => Method is not ("GET" or "HEAD" or "OPTIONS") && !Path.Contains("/proxy", StringComparison.Ordinal);

    /// <summary>
    /// True for the trace a remediation leaves beside its change (docs/operations.md, Kubernetes
    /// Events): an Event created or counted again (patched). (Its other trace, the
    /// <c>remediator.io/last-remediation</c> annotation, rides in the action's own write.) Tests
    /// that count what an action changed, or compare its requests with kubectl's, leave these out.
    /// </summary>
    public bool RemediationTrace =>
        (Method == "POST" && Path.EndsWith("/events", StringComparison.Ordinal)) ||
        (Method == "PATCH" && Path.Contains("/events/", StringComparison.Ordinal));

    /// <summary>A <see cref="Mutating"/> request that is not a <see cref="RemediationTrace"/>: what the action itself changed.</summary>
    public bool Changes => Mutating && !RemediationTrace;
}

/// <summary>A pod port the API server's proxy forwards to.</summary>
public sealed record PodEndpoint(string Namespace, string Pod, int Port, string? PodIp);

/// <summary>
/// What RBAC decides on: verb, API group, resource (with subresource, e.g. <c>pods/eviction</c>),
/// namespace and object name; or, for a path outside the REST resources (<c>/version</c>), the
/// verb (the lower-case HTTP method) and <see cref="Path"/>.
/// </summary>
public sealed record AccessRequest(string Verb, string Group, string Resource, string? Namespace)
{
    /// <summary>The object's name, for rules with <c>resourceNames</c>; null for lists, watches and creates.</summary>
    public string? Name { get; init; }

    /// <summary>Set for a non-resource request (matched against <c>nonResourceURLs</c>); the resource fields are then empty.</summary>
    public string? Path { get; init; }

    public static AccessRequest NonResource(string verb, string path) => new(verb, string.Empty, string.Empty, null) { Path = path };
}
