using System.Text.Json.Nodes;
using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The fixed set of actions a rule step may use (docs/rules.md, "the action catalog").</summary>
public static class ActionCatalog
{
    private static readonly TargetKind[] _workloads = [TargetKind.Deployment, TargetKind.StatefulSet, TargetKind.DaemonSet];
    private static readonly TargetKind[] _workloadsAndPods = [.. _workloads, TargetKind.Pod];
    private static readonly TargetKind[] _scalable = [TargetKind.Deployment, TargetKind.StatefulSet];

    // Rollback follows a Deployment's ReplicaSet revisions; StatefulSets and DaemonSets keep their
    // history in ControllerRevisions, which the Kubernetes actions do not read yet.
    private static readonly TargetKind[] _rollbackable = [TargetKind.Deployment];
    private static readonly TargetKind[] _anyKind = Enum.GetValues<TargetKind>();
    private static readonly string[] _readOnlyMethods = ["GET", "HEAD"];
    private static readonly string[] _httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    public static ActionSpec Restart { get; } = new("restart", "Rolling restart (kubectl rollout restart).", _workloads, [])
    {
        DryRunVerb = "restart",
        EventReason = "RemediatorRestarted",
    };

    public static ActionSpec Scale { get; } = new("scale", "Set (replicas) or change (by) the replica count.", _scalable,
    [
        new("replicas", ParameterType.Number, "The replica count to set.") { Minimum = 0, Maximum = 1000 },
        new("by", ParameterType.Delta, "Change the replica count by +N or -N.") { Minimum = -1000, Maximum = 1000 },
        new("min", ParameterType.Number, "Never go below this many replicas.") { Minimum = 0, Maximum = 1000 },
        new("max", ParameterType.Number, "Never go above this many replicas.") { Minimum = 1, Maximum = 1000 },
    ])
    {
        Validate = ValidateScale,
        DefaultCompensation = StepCompensation.Keep,
        Undo = "scale back to the replica counts read before the change",
        ReducesCapacity = true,
        DryRunVerb = "scale",
        EventReason = "RemediatorScaled",
        SchemaConstraints = OneOf("oneOf", "replicas", "by"),
    };

    public static ActionSpec Rollback { get; } = new("rollback", "Roll back to an earlier revision (kubectl rollout undo).", _rollbackable,
    [
        new("to-revision", ParameterType.Number, "The revision to return to; default: the previous one.") { Minimum = 1 },
    ])
    {
        Undo = "the replaced pod template and annotations back",
        DryRunVerb = "roll back",
        EventReason = "RemediatorRolledBack",
    };

    public static ActionSpec Isolate { get; } = new("isolate", "Take the target out of service.", _workloadsAndPods,
    [
        new("mode", ParameterType.Choice, "How to isolate.") { Default = "scale-to-zero", Choices = ["scale-to-zero", "quarantine-pod", "network-policy"] },
    ])
    {
        DefaultCompensation = StepCompensation.Keep,
        Undo = "`scale-to-zero`: scale back to the counts read before; `quarantine-pod`: put the removed labels back and drop `remediator.io/quarantined`; `network-policy`: delete the deny-all NetworkPolicy",
        ReducesCapacity = true,
        DryRunVerb = "isolate",
        EventReason = "RemediatorIsolated",
        Validate = check =>
        {
            if ((check.Get("mode") ?? "scale-to-zero") == "scale-to-zero")
            {
                check.RequireKinds("isolate mode scale-to-zero", _scalable);
            }
        },
    };

    public static ActionSpec ResetCircuitBreakers { get; } = new("reset-circuit-breakers", "POST to the service's circuit-breaker reset endpoint on every ready pod.", _workloadsAndPods,
    [
        new("port", ParameterType.Port, "The pod port serving the endpoint.") { Required = true, Minimum = 1, Maximum = 65535 },
        new("path", ParameterType.Path, "The endpoint path.") { Default = "/circuit-breakers/reset" },
        new("method", ParameterType.Choice, "The HTTP method.") { Default = "POST", Choices = _httpMethods },
    ])
    {
        DryRunVerb = "reset the circuit breakers of",
        EventReason = "RemediatorCircuitBreakersReset",
    };

    public static ActionSpec Http { get; } = new("http", "Call an HTTP endpoint on the pods, the service, or a URL; destructive unless GET/HEAD.", _anyKind,
    [
        new("via", ParameterType.Choice, "Where the request goes.") { Default = "pod", Choices = ["pod", "service", "url"] },
        new("service", ParameterType.Text, "The Service to call (via service); default: the one named like the target."),
        new("port", ParameterType.Port, "The pod or service port (via pod/service).") { Minimum = 1, Maximum = 65535 },
        new("path", ParameterType.Path, "The request path (via pod/service).") { Default = "/" },
        new("url", ParameterType.Url, "The absolute URL (via url); its scheme, host and port are literal, templates may fill only the path and query."),
        new("method", ParameterType.Choice, "The HTTP method.") { Default = "GET", Choices = _httpMethods },
        new("body", ParameterType.Text, "The request body."),
        new("expect-status", ParameterType.Number, "The status code that counts as success; default: any 2xx.") { Minimum = 100, Maximum = 599 },
    ])
    {
        AlwaysDestructive = false,
        DestructiveWhen = parameters => !_readOnlyMethods.Contains(parameters.GetValueOrDefault("method", "GET")),
        Validate = ValidateHttp,
        DryRunVerb = "call an HTTP endpoint for",
        EventReason = "RemediatorHttpCalled",
        SchemaConstraints = new JsonObject
        {
            ["if"] = new JsonObject { ["properties"] = new JsonObject { ["via"] = new JsonObject { ["const"] = "url" } }, ["required"] = new JsonArray("via") },
            ["then"] = new JsonObject { ["required"] = new JsonArray("url"), ["not"] = OneOf("anyOf", "port", "path") },
            ["else"] = new JsonObject { ["required"] = new JsonArray("port"), ["not"] = new JsonObject { ["required"] = new JsonArray("url") } },
        },
    };

    public static ActionSpec SetEnv { get; } = new("set-env", "Set environment variables on the pod template (kubectl set env).", _workloads,
    [
        new("container", ParameterType.Text, "The container to change; default: every container."),
        new("env", ParameterType.EnvironmentMap, "NAME: value pairs.") { Required = true },
    ])
    {
        Undo = "the previous values back; variables that did not exist are removed",
        DryRunVerb = "set environment variables on",
        EventReason = "RemediatorEnvSet",
    };

    public static ActionSpec SetResources { get; } = new("set-resources", "Set container requests and limits (kubectl set resources).", _workloads,
    [
        new("container", ParameterType.Text, "The container to change; default: every container."),
        new("requests", ParameterType.ResourceMap, "cpu and/or memory requests."),
        new("limits", ParameterType.ResourceMap, "cpu and/or memory limits."),
    ])
    {
        Validate = check => AtLeastOne(check, "requests", "limits"),
        Undo = "the previous values back; quantities that did not exist are removed",
        DryRunVerb = "set resources on",
        EventReason = "RemediatorResourcesSet",
        SchemaConstraints = OneOf("anyOf", "requests", "limits"),
    };

    public static ActionSpec PatchHpa { get; } = new("patch-hpa", "Change a HorizontalPodAutoscaler's replica bounds; on a Deployment or StatefulSet, those of the HPA that scales it.", [TargetKind.HorizontalPodAutoscaler, .. _scalable],
    [
        new("min-replicas", ParameterType.Number, "The HPA's minReplicas.") { Minimum = 1, Maximum = 1000 },
        new("max-replicas", ParameterType.Number, "The HPA's maxReplicas.") { Minimum = 1, Maximum = 1000 },
    ])
    {
        DefaultCompensation = StepCompensation.Keep,
        Undo = "the old bounds back",
        DryRunVerb = "change the replica bounds of",
        EventReason = "RemediatorHpaPatched",
        SchemaConstraints = OneOf("anyOf", "min-replicas", "max-replicas"),
        Validate = check =>
        {
            AtLeastOne(check, "min-replicas", "max-replicas");
            if (check.Int("min-replicas") is { } min && check.Int("max-replicas") is { } max && max < min)
            {
                check.Error("max-replicas", $"max-replicas ({max}) is below min-replicas ({min})", "max-replicas must be >= min-replicas");
            }
        },
    };

    public static ActionSpec Cordon { get; } = new("cordon", "Mark the node unschedulable.", [TargetKind.Node], [])
    {
        DefaultCompensation = StepCompensation.Keep,
        Undo = "uncordon",
        DryRunVerb = "cordon",
        EventReason = "RemediatorCordoned",
    };

    public static ActionSpec Uncordon { get; } = new("uncordon", "Mark the node schedulable again.", [TargetKind.Node], [])
    {
        Undo = "cordon again",
        DryRunVerb = "uncordon",
        EventReason = "RemediatorUncordoned",
    };

    public static ActionSpec Drain { get; } = new("drain", "Evict the node's pods (kubectl drain).", [TargetKind.Node],
    [
        new("ignore-daemonsets", ParameterType.Boolean, "Leave DaemonSet pods in place.") { Default = "true" },
        new("delete-emptydir-data", ParameterType.Boolean, "Evict pods that use emptyDir volumes, losing that data.") { Default = "false" },
        new("grace-period", ParameterType.Duration, "The pods' termination grace period; default: each pod's own."),
    ])
    {
        DefaultCompensation = StepCompensation.Keep,
        Undo = "uncordon; drained pods are not brought back",
        DryRunVerb = "drain",
        EventReason = "RemediatorDrained",
    };

    public static ActionSpec DeletePod { get; } = new("delete-pod", "Delete the pod(s); their controller replaces them.", [TargetKind.Pod], [])
    {
        DryRunVerb = "delete",
        EventReason = "RemediatorPodDeleted",
    };

    public static ActionSpec WaitForRollout { get; } = new("wait-for-rollout", "Wait until the rollout completes (kubectl rollout status); uses the step timeout (default 5m).", _workloads, [])
    {
        AlwaysDestructive = false,
        DefaultTimeout = TimeSpan.FromMinutes(5),
        DryRunVerb = "wait for the rollout of",
        EventReason = "RemediatorRolloutComplete",
    };

    public static ActionSpec HealthCheck { get; } = new("health-check", "GET a health endpoint on every ready pod.", _workloadsAndPods,
    [
        new("port", ParameterType.Port, "The pod port.") { Required = true, Minimum = 1, Maximum = 65535 },
        new("path", ParameterType.Path, "The health endpoint.") { Required = true },
        new("json-field", ParameterType.Text, "A top-level JSON field to check, e.g. status."),
        new("expect", ParameterType.Text, "The value json-field must have, e.g. UP."),
    ])
    {
        AlwaysDestructive = false,
        Validate = check => Paired(check, "json-field", "expect"),
        DryRunVerb = "check the health of",
        EventReason = "RemediatorHealthChecked",
        SchemaConstraints = new JsonObject
        {
            ["dependencies"] = new JsonObject { ["json-field"] = new JsonArray("expect"), ["expect"] = new JsonArray("json-field") },
        },
    };

    public static ActionSpec Notify { get; } = new("notify", "Send a message to the rule's escalation channel.", _anyKind,
    [
        new("message", ParameterType.Text, "The message; may use templates.") { Required = true },
        new(NotifyParameters.SendInDryRun, ParameterType.Boolean, "Deliver even when the run is a dry run (otherwise a dry run sends nothing and says what it would have sent).") { Default = "false" },
    ])
    {
        AlwaysDestructive = false,
        ActsOnCluster = false,
        DryRunVerb = "notify the escalation channel about",
    };

    /// <summary>Every action, in the order the docs and the schema list them.</summary>
    public static IReadOnlyList<ActionSpec> All { get; } =
    [
        Restart, Scale, Rollback, Isolate, ResetCircuitBreakers, Http, SetEnv, SetResources, PatchHpa,
        Cordon, Uncordon, Drain, DeletePod, WaitForRollout, HealthCheck, Notify,
    ];

    private static readonly Dictionary<string, ActionSpec> _byName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static ActionSpec? Find(string name) => _byName.GetValueOrDefault(name);

    private static void ValidateScale(ActionCheck check)
    {
        var hasReplicas = check.Has("replicas");
        var hasBy = check.Has("by");
        if (hasReplicas == hasBy)
        {
            check.Error(hasReplicas ? "by" : null, "scale needs exactly one of 'replicas' or 'by'", "replicas: 3 sets the count; by: +2 changes it");
        }

        if (check.Int("min") is { } min && check.Int("max") is { } max && min > max)
        {
            check.Error("min", $"min ({min}) is above max ({max})", "min must be <= max");
        }

        if (check.Int("replicas") is { } replicas)
        {
            if (check.Int("min") is { } floor && replicas < floor)
            {
                check.Error("replicas", $"replicas ({replicas}) is below min ({floor})");
            }

            if (check.Int("max") is { } ceiling && replicas > ceiling)
            {
                check.Error("replicas", $"replicas ({replicas}) is above max ({ceiling})");
            }
        }
    }

    private static void ValidateHttp(ActionCheck check)
    {
        if (check.Get("via") == "url")
        {
            if (!check.Has("url"))
            {
                check.Error("via", "http via url needs 'url'", "url: https://example.internal/hook");
            }

            foreach (var name in new[] { "port", "path" })
            {
                if (check.Has(name))
                {
                    check.Error(name, $"'{name}' does not apply to http via url", "put the port and path into 'url'");
                }
            }

            return;
        }

        if (check.Has("url"))
        {
            check.Error("url", "'url' needs via: url", "add via: url, or use port and path");
        }

        if (check.Has("service") && check.Get("via") != "service")
        {
            check.Error("service", "'service' needs via: service", "add via: service");
        }

        if (!check.Has("port"))
        {
            check.Error(null, $"http via {check.Get("via") ?? "pod"} needs 'port'", "port: 8080");
        }

        check.RequireKinds($"http via {check.Get("via") ?? "pod"}", _workloadsAndPods);
    }

    private static void AtLeastOne(ActionCheck check, string first, string second)
    {
        if (!check.Has(first) && !check.Has(second))
        {
            check.Error(null, $"needs at least one of '{first}' or '{second}'");
        }
    }

    /// <summary><c>{"oneOf": [{"required": [a]}, {"required": [b]}]}</c> (or anyOf): which of the parameters a step needs.</summary>
    private static JsonObject OneOf(string keyword, string first, string second) => new()
    {
        [keyword] = new JsonArray(new JsonObject { ["required"] = new JsonArray(first) }, new JsonObject { ["required"] = new JsonArray(second) }),
    };

    private static void Paired(ActionCheck check, string first, string second)
    {
        if (check.Has(first) != check.Has(second))
        {
            check.Error(check.Has(first) ? first : second, $"'{first}' and '{second}' go together", $"give both {first} and {second}, or neither");
        }
    }
}
