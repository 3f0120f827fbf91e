using Remediator.Contracts;

namespace Remediator.Kubernetes.Client;

/// <summary>A REST resource of the Kubernetes API, named as the API paths name it.</summary>
public sealed record KubernetesResource(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public static readonly KubernetesResource Pods = new("", "v1", "pods", "Pod", true);
    public static readonly KubernetesResource Services = new("", "v1", "services", "Service", true);
    public static readonly KubernetesResource Nodes = new("", "v1", "nodes", "Node", false);
    public static readonly KubernetesResource Deployments = new("apps", "v1", "deployments", "Deployment", true);
    public static readonly KubernetesResource StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet", true);
    public static readonly KubernetesResource DaemonSets = new("apps", "v1", "daemonsets", "DaemonSet", true);
    public static readonly KubernetesResource ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", true);
    public static readonly KubernetesResource NetworkPolicies = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true);
    public static readonly KubernetesResource HorizontalPodAutoscalers = new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true);
    public static readonly KubernetesResource Events = new("", "v1", "events", "Event", true);
    public static readonly KubernetesResource PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true);

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>deployments.apps</c>, or <c>pods</c> for the core group, as kubectl and RBAC name it.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static KubernetesResource For(TargetKind kind) => kind switch
    {
        TargetKind.Deployment => Deployments,
        TargetKind.StatefulSet => StatefulSets,
        TargetKind.DaemonSet => DaemonSets,
        TargetKind.Pod => Pods,
        TargetKind.Node => Nodes,
        TargetKind.HorizontalPodAutoscaler => HorizontalPodAutoscalers,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no Kubernetes resource for this target kind"),
    };

    /// <summary>The request path of the collection, an object or one of its subresources.</summary>
    public string PathFor(string? ns, string? name = null, string? subresource = null)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        var scope = Namespaced && ns is not null ? $"/namespaces/{Uri.EscapeDataString(ns)}" : string.Empty;
        var path = $"{root}{scope}/{Plural}";
        if (name is not null)
        {
            path += "/" + Uri.EscapeDataString(name);
        }

        if (subresource is not null)
        {
            path += "/" + subresource;
        }

        return path;
    }

    public override string ToString() => QualifiedName;
}
