using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

public enum ActionStatus
{
    Succeeded,
    Failed,

    /// <summary>Nothing was changed; <see cref="ActionOutcome.PlannedRequests"/> says what would have been.</summary>
    DryRun,
}

/// <summary>The result for one object or pod the action touched.</summary>
public sealed record ActionTargetResult(string Target, bool Succeeded, string Message);

/// <summary>What one action did (or, in dry-run, would do), and how to undo it.</summary>
public sealed record ActionOutcome
{
    public required string Action { get; init; }

    public required ActionStatus Status { get; init; }

    /// <summary>One line for people: what happened and why.</summary>
    public required string Summary { get; init; }

    public IReadOnlyList<ActionTargetResult> Details { get; init; } = [];

    /// <summary>The state the action replaced, as JSON (e.g. <c>{"replicas":2}</c>), for audit and compensation.</summary>
    public string? Before { get; init; }

    /// <summary>The state the action left, as JSON.</summary>
    public string? After { get; init; }

    /// <summary>The inverse, when the action is reversible; null when it is not (a restart cannot be un-done).</summary>
    public Compensation? Compensation { get; init; }

    /// <summary>Every mutating request, as <c>VERB resource ns/name: body</c>, sent or in dry-run only planned; in dry-run also every HTTP request a step would have sent (<c>GET /api/v1/.../proxy/path</c>, <c>GET https://...</c>).</summary>
    public IReadOnlyList<string> PlannedRequests { get; init; } = [];

    public bool Succeeded => Status != ActionStatus.Failed;
}

/// <summary>Requests that restore what an action changed, applied in order.</summary>
public sealed record Compensation(string Description, IReadOnlyList<CompensatingRequest> Requests);

public enum CompensationVerb
{
    Patch,
    Delete,
}

/// <summary>One request of a <see cref="Compensation"/>; plain data so it can be persisted with a saga.</summary>
public sealed record CompensatingRequest
{
    public required CompensationVerb Verb { get; init; }

    public required KubernetesResource Resource { get; init; }

    public string? Namespace { get; init; }

    public required string Name { get; init; }

    public string? Subresource { get; init; }

    public PatchKind Patch { get; init; } = PatchKind.Merge;

    /// <summary>The patch body as JSON, for <see cref="CompensationVerb.Patch"/>.</summary>
    public string? Body { get; init; }

    /// <summary>
    /// For <see cref="CompensationVerb.Patch"/>: the fields the action changed, as it left them
    /// (<c>{"spec":{"replicas":4}}</c>). The undo is sent only while the object still shows them,
    /// with the resourceVersion of that read; otherwise someone changed it since and it is left as it is.
    /// </summary>
    public string? Expected { get; init; }

    /// <summary>For <see cref="CompensationVerb.Delete"/>: the resourceVersion the action created the object at; a delete precondition, so a changed object is not deleted.</summary>
    public string? ResourceVersion { get; init; }
}
