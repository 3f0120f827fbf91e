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

    public static IReadOnlyList<ActionSpec> All { get; } =
    [
        new("restart", "Rolling restart (kubectl rollout restart).", _workloads, []),
        new("scale", "Set or change the replica count.", _scalable,
        [
            new("replicas", ParameterType.Number, "The replica count to set.") { Minimum = 0, Maximum = 1000 },
            new("by", ParameterType.Delta, "Change the replica count by +N or -N.") { Minimum = -1000, Maximum = 1000 },
            new("min", ParameterType.Number, "Never go below this many replicas.") { Minimum = 0, Maximum = 1000 },
            new("max", ParameterType.Number, "Never go above this many replicas.") { Minimum = 1, Maximum = 1000 },
        ])
        {
            Validate = ValidateScale,
            DefaultCompensation = StepCompensation.Keep,
        },
        new("rollback", "Roll back to an earlier revision (kubectl rollout undo).", _rollbackable,
        [
            new("to-revision", ParameterType.Number, "The revision to return to; default: the previous one.") { Minimum = 1 },
        ]),
        new("isolate", "Take the target out of service.", _workloadsAndPods,
        [
            new("mode", ParameterType.Choice, "How to isolate.") { Default = "scale-to-zero", Choices = ["scale-to-zero", "quarantine-pod", "network-policy"] },
        ])
        {
            DefaultCompensation = StepCompensation.Keep,
            Validate = check =>
            {
                if ((check.Get("mode") ?? "scale-to-zero") == "scale-to-zero")
                {
                    check.RequireKinds("isolate mode scale-to-zero", _scalable);
                }
            },
        },
        new("reset-circuit-breakers", "POST to the service's circuit-breaker reset endpoint on every ready pod.", _workloadsAndPods,
        [
            new("port", ParameterType.Port, "The pod port serving the endpoint.") { Required = true, Minimum = 1, Maximum = 65535 },
            new("path", ParameterType.Path, "The endpoint path.") { Default = "/circuit-breakers/reset" },
            new("method", ParameterType.Choice, "The HTTP method.") { Default = "POST", Choices = _httpMethods },
        ]),
        new("http", "Call an HTTP endpoint on the pods, the service, or a URL.", _anyKind,
        [
            new("via", ParameterType.Choice, "Where the request goes.") { Default = "pod", Choices = ["pod", "service", "url"] },
            new("service", ParameterType.Text, "The Service to call (via service); default: the one named like the target."),
            new("port", ParameterType.Port, "The pod or service port (via pod/service).") { Minimum = 1, Maximum = 65535 },
            new("path", ParameterType.Path, "The request path (via pod/service).") { Default = "/" },
            new("url", ParameterType.Url, "The absolute URL (via url); its scheme, host and port are literal, templates may fill only the path and query.") { },
            new("method", ParameterType.Choice, "The HTTP method.") { Default = "GET", Choices = _httpMethods },
            new("body", ParameterType.Text, "The request body.") { },
            new("expect-status", ParameterType.Number, "The status code that counts as success; default: any 2xx.") { Minimum = 100, Maximum = 599 },
        ])
        {
            AlwaysDestructive = false,
            DestructiveWhen = parameters => !_readOnlyMethods.Contains(parameters.GetValueOrDefault("method", "GET")),
            Validate = ValidateHttp,
        },
        new("set-env", "Set environment variables on the pod template (kubectl set env).", _workloads,
        [
            new("container", ParameterType.Text, "The container to change; default: every container."),
            new("env", ParameterType.EnvironmentMap, "NAME: value pairs.") { Required = true },
        ]),
        new("set-resources", "Set container requests and limits (kubectl set resources).", _workloads,
        [
            new("container", ParameterType.Text, "The container to change; default: every container."),
            new("requests", ParameterType.ResourceMap, "cpu and/or memory requests."),
            new("limits", ParameterType.ResourceMap, "cpu and/or memory limits."),
        ])
        {
            Validate = check => AtLeastOne(check, "requests", "limits"),
        },
        new("patch-hpa", "Change a HorizontalPodAutoscaler's replica bounds.", [TargetKind.HorizontalPodAutoscaler],
        [
            new("min-replicas", ParameterType.Number, "The HPA's minReplicas.") { Minimum = 1, Maximum = 1000 },
            new("max-replicas", ParameterType.Number, "The HPA's maxReplicas.") { Minimum = 1, Maximum = 1000 },
        ])
        {
            DefaultCompensation = StepCompensation.Keep,
            Validate = check =>
            {
                AtLeastOne(check, "min-replicas", "max-replicas");
                if (check.Int("min-replicas") is { } min && check.Int("max-replicas") is { } max && max < min)
                {
                    check.Error("max-replicas", $"max-replicas ({max}) is below min-replicas ({min})", "max-replicas must be >= min-replicas");
                }
            },
        },
        new("cordon", "Mark the node unschedulable.", [TargetKind.Node], []) { DefaultCompensation = StepCompensation.Keep },
        new("uncordon", "Mark the node schedulable again.", [TargetKind.Node], []),
        new("drain", "Evict the node's pods (kubectl drain).", [TargetKind.Node],
        [
            new("ignore-daemonsets", ParameterType.Boolean, "Leave DaemonSet pods in place.") { Default = "true" },
            new("delete-emptydir-data", ParameterType.Boolean, "Evict pods that use emptyDir volumes, losing that data.") { Default = "false" },
            new("grace-period", ParameterType.Duration, "The pods' termination grace period; default: each pod's own."),
        ])
        {
            DefaultCompensation = StepCompensation.Keep,
        },
        new("delete-pod", "Delete the pod(s); their controller replaces them.", [TargetKind.Pod], []),
        new("wait-for-rollout", "Wait until the rollout completes (kubectl rollout status); uses the step timeout.", _workloads, [])
        {
            AlwaysDestructive = false,
            DefaultTimeout = TimeSpan.FromMinutes(5),
        },
        new("health-check", "GET a health endpoint on every ready pod.", _workloadsAndPods,
        [
            new("port", ParameterType.Port, "The pod port.") { Required = true, Minimum = 1, Maximum = 65535 },
            new("path", ParameterType.Path, "The health endpoint.") { Required = true },
            new("json-field", ParameterType.Text, "A top-level JSON field to check, e.g. status."),
            new("expect", ParameterType.Text, "The value json-field must have, e.g. UP."),
        ])
        {
            AlwaysDestructive = false,
            Validate = check => Paired(check, "json-field", "expect"),
        },
        new("notify", "Send a message to the rule's escalation channel.", _anyKind,
        [
            new("message", ParameterType.Text, "The message; may use templates.") { Required = true },
            new(NotifyParameters.SendInDryRun, ParameterType.Boolean, "Deliver even when the run is a dry run (otherwise a dry run sends nothing and says what it would have sent).") { Default = "false" },
        ])
        {
            AlwaysDestructive = false,
        },
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

    private static void Paired(ActionCheck check, string first, string second)
    {
        if (check.Has(first) != check.Has(second))
        {
            check.Error(check.Has(first) ? first : second, $"'{first}' and '{second}' go together", $"give both {first} and {second}, or neither");
        }
    }
}
