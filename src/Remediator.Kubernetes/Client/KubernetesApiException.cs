using System.Net;

namespace Remediator.Kubernetes.Client;

/// <summary>A cause from a Status body's <c>details.causes</c>.</summary>
public sealed record StatusCause(string? Reason, string? Message, string? Field);

/// <summary>The API server rejected a request and said why in a <c>Status</c> body.</summary>
public sealed class KubernetesApiException : Exception
{
    public KubernetesApiException()
    {
    }

    public KubernetesApiException(string message)
        : base(message)
    {
    }

    public KubernetesApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KubernetesApiException(HttpStatusCode statusCode, string? reason, string message, IReadOnlyList<StatusCause> causes, string verb, string resource)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
        Causes = causes;
        Verb = verb;
        Resource = resource;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The Status reason: <c>NotFound</c>, <c>Conflict</c>, <c>Forbidden</c>, <c>Invalid</c>, <c>TooManyRequests</c>...</summary>
    public string? Reason { get; }

    public IReadOnlyList<StatusCause> Causes { get; } = [];

    /// <summary>The RBAC verb of the failed request (<c>get</c>, <c>patch</c>...).</summary>
    public string Verb { get; } = string.Empty;

    /// <summary>The resource as RBAC names it: <c>deployments.apps/scale</c>.</summary>
    public string Resource { get; } = string.Empty;

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    /// <summary>410: a watch's resourceVersion is older than the server remembers (reason <c>Expired</c> or <c>Gone</c>).</summary>
    public bool IsGone => StatusCode == HttpStatusCode.Gone;
}

/// <summary>The API server could not be reached or answered too slowly, even after retries, or the circuit breaker is open.</summary>
public sealed class KubernetesUnavailableException : Exception
{
    public KubernetesUnavailableException()
    {
    }

    public KubernetesUnavailableException(string message)
        : base(message)
    {
    }

    public KubernetesUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
