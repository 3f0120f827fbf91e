using Remediator.Contracts;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// One row of docs/actions.md: a step (action, target, parameters), the kubectl command that does
/// the same, and the requests the step sends (Events left out: they are the run's trace, not the
/// action), in the form <see cref="RequestLine"/> writes them. A request naming <c>{pod}</c> is
/// sent once per pod. <see cref="KubectlRequestsTests"/> runs each row against the simulator and
/// holds the docs table to this list.
/// </summary>
public sealed record KubectlEquivalent(string Row, string Action, string Kubectl, IReadOnlyList<string> Requests)
{
    public IReadOnlyList<(string Key, string Value)> Parameters { get; init; } = [];

    public TargetKind Kind { get; init; } = TargetKind.Deployment;

    /// <summary>The object the step targets, by its place-holder in <see cref="Requests"/>.</summary>
    public string Target { get; init; } = RequestLine.Name;

    /// <summary>What the step needs beyond the scenario's objects (a rollout history, a cordoned node).</summary>
    public Func<KubectlRequestsTests, Task>? Arrange { get; init; }

    public override string ToString() => Row;

    private const string Deployment = "/apis/apps/v1/namespaces/{ns}/deployments/{name}";
    private const string Scale = Deployment + "/scale";
    private const string Hpa = "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers";
    private const string Node = "/api/v1/nodes/{node}";
    private const string Pods = "/api/v1/namespaces/{ns}/pods";
    private const string Write = "?fieldManager=remediator";
    private const string Trace = "metadata.annotations.remediator.io/last-remediation";
    private const string PodsOfName = "GET " + Pods + "?labelSelector=app={name}";

    public static IReadOnlyList<KubectlEquivalent> All { get; } =
    [
        new("restart", "restart", "kubectl rollout restart deployment/{name}",
        [
            $"GET {Deployment}",
            $"PATCH {Deployment}{Write} strategic-merge-patch ({Trace}, spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt)",
        ]),
        new("scale", "scale", "kubectl scale deployment/{name} --current-replicas=2 --replicas=3",
        [
            $"GET {Hpa}",
            $"GET {Scale}",
            $"PATCH {Scale}{Write} merge-patch (metadata.resourceVersion, spec.replicas)",
        ])
        { Parameters = [("replicas", "3")] },
        new("rollback", "rollback", "kubectl rollout undo deployment/{name}",
        [
            $"GET {Deployment}",
            "GET /apis/apps/v1/namespaces/{ns}/replicasets?labelSelector=app={name}",
            $"PATCH {Deployment}{Write} json-patch (replace /metadata/resourceVersion, replace /spec/template, replace /metadata/annotations)",
        ])
        { Arrange = test => test.RestartAsync() },
        new("isolate scale-to-zero", "isolate", "kubectl scale deployment/{name} --current-replicas=2 --replicas=0",
        [
            $"GET {Scale}",
            $"PATCH {Scale}{Write} merge-patch (metadata.resourceVersion, spec.replicas)",
        ]),
        new("isolate network-policy", "isolate", "kubectl get deployment/{name}; kubectl create -f deny-all-policy.yaml",
        [
            $"GET {Deployment}",
            "POST /apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies" + Write + " json (apiVersion, kind, " + Trace + ", metadata.labels.app.kubernetes.io/managed-by, metadata.name, metadata.namespace, spec.podSelector.matchLabels.app, spec.policyTypes[])",
        ])
        { Parameters = [("mode", "network-policy")] },
        new("isolate quarantine-pod", "isolate", "kubectl get services; kubectl label pod/{pod} app- remediator.io/quarantined=true",
        [
            "GET /api/v1/namespaces/{ns}/services",
            $"GET {Pods}/{{pod}}",
            $"PATCH {Pods}/{{pod}}{Write} merge-patch ({Trace}, metadata.labels.app, metadata.labels.remediator.io/quarantined)",
        ])
        { Parameters = [("mode", "quarantine-pod")], Kind = TargetKind.Pod, Target = RequestLine.Pod },
        new("reset-circuit-breakers", "reset-circuit-breakers", "kubectl get deployment/{name}; kubectl get pods -l app={name}; kubectl create --raw /api/v1/namespaces/{ns}/pods/{pod}:8001/proxy/circuit-breakers/reset -f /dev/null",
        [
            $"GET {Deployment}",
            PodsOfName,
            $"POST {Pods}/{{pod}}:8001/proxy/circuit-breakers/reset",
        ])
        { Parameters = [("port", "8001")] },
        new("http via pod", "http", "kubectl get deployment/{name}; kubectl get pods -l app={name}; kubectl get --raw /api/v1/namespaces/{ns}/pods/{pod}:8080/proxy/ready",
        [
            $"GET {Deployment}",
            PodsOfName,
            $"GET {Pods}/{{pod}}:8080/proxy/ready",
        ])
        { Parameters = [("via", "pod"), ("port", "8080"), ("path", "/ready")] },
        new("http via service", "http", "kubectl get --raw /api/v1/namespaces/{ns}/services/{name}:8080/proxy/ready",
        [
            "GET /api/v1/namespaces/{ns}/services/{name}:8080/proxy/ready",
        ])
        { Parameters = [("via", "service"), ("port", "8080"), ("path", "/ready")] },
        new("health-check", "health-check", "kubectl get deployment/{name}; kubectl get pods -l app={name}; kubectl get --raw /api/v1/namespaces/{ns}/pods/{pod}:8080/proxy/health",
        [
            $"GET {Deployment}",
            PodsOfName,
            $"GET {Pods}/{{pod}}:8080/proxy/health",
        ])
        { Parameters = [("port", "8080"), ("path", "/health")] },
        new("set-env", "set-env", "kubectl set env deployment/{name} MODE=safe",
        [
            $"GET {Deployment}",
            $"PATCH {Deployment}{Write} strategic-merge-patch ({Trace}, metadata.resourceVersion, spec.template.spec.$setElementOrder/containers[], spec.template.spec.containers[])",
        ])
        { Parameters = [("env.MODE", "safe")] },
        new("set-resources", "set-resources", "kubectl set resources deployment/{name} --limits=memory=1Gi",
        [
            $"GET {Deployment}",
            $"PATCH {Deployment}{Write} strategic-merge-patch ({Trace}, metadata.resourceVersion, spec.template.spec.$setElementOrder/containers[], spec.template.spec.containers[])",
        ])
        { Parameters = [("limits.memory", "1Gi")] },
        new("patch-hpa", "patch-hpa", "kubectl patch hpa/{hpa} --type=merge -p '{\"spec\":{\"minReplicas\":2,\"maxReplicas\":8}}'",
        [
            $"GET {Hpa}/{{hpa}}",
            $"PATCH {Hpa}/{{hpa}}{Write} merge-patch ({Trace}, metadata.resourceVersion, spec.maxReplicas, spec.minReplicas)",
        ])
        { Parameters = [("max-replicas", "8")], Kind = TargetKind.HorizontalPodAutoscaler, Target = RequestLine.Autoscaler },
        new("cordon", "cordon", "kubectl cordon {node}",
        [
            $"GET {Node}",
            $"PATCH {Node}{Write} strategic-merge-patch ({Trace}, spec.unschedulable)",
        ])
        { Kind = TargetKind.Node, Target = RequestLine.Node },
        new("uncordon", "uncordon", "kubectl uncordon {node}",
        [
            $"GET {Node}",
            $"PATCH {Node}{Write} strategic-merge-patch ({Trace}, spec.unschedulable)",
        ])
        { Kind = TargetKind.Node, Target = RequestLine.Node, Arrange = test => test.CordonAsync() },
        new("drain", "drain", "kubectl drain {node} --ignore-daemonsets",
        [
            "GET /api/v1/pods?fieldSelector=spec.nodeName={node}",
            $"GET {Node}",
            $"PATCH {Node}{Write} strategic-merge-patch ({Trace}, spec.unschedulable)",
            $"POST {Pods}/{{pod}}/eviction{Write} json (apiVersion, kind, metadata.name, metadata.namespace)",
            "GET /api/v1/pods?fieldSelector=spec.nodeName={node}",
        ])
        { Parameters = [("ignore-daemonsets", "true")], Kind = TargetKind.Node, Target = RequestLine.Node },
        new("delete-pod", "delete-pod", "kubectl delete pod/{pod} --wait=false",
        [
            $"DELETE {Pods}/{{pod}} json (apiVersion, kind, propagationPolicy)",
        ])
        { Kind = TargetKind.Pod, Target = RequestLine.Pod },
        new("wait-for-rollout", "wait-for-rollout", "kubectl rollout status deployment/{name}",
        [
            $"GET {Deployment}",
        ]),
        new("wait-for-rollout while rolling", "wait-for-rollout", "kubectl rollout status deployment/{name}",
        [
            $"GET {Deployment}",
            "GET /apis/apps/v1/namespaces/{ns}/deployments?watch=true&allowWatchBookmarks=true&resourceVersion={rv}&fieldSelector=metadata.name={name}&timeoutSeconds=300",
        ])
        { Arrange = test => test.RollingAsync() },
    ];
}
