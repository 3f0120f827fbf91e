namespace Remediator.Kubernetes.Simulator;

/// <summary>One REST resource the simulator serves.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public static readonly ResourceType Pods = new("", "v1", "pods", "Pod", true);
    public static readonly ResourceType Services = new("", "v1", "services", "Service", true);

    /// <summary>Served so tests can show that no request of the engine's reaches them (issue 13: a <c>..</c> through the pod proxy did).</summary>
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", true);
    public static readonly ResourceType Nodes = new("", "v1", "nodes", "Node", false);
    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", true);
    public static readonly ResourceType StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet", true);
    public static readonly ResourceType DaemonSets = new("apps", "v1", "daemonsets", "DaemonSet", true);
    public static readonly ResourceType ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", true);
    public static readonly ResourceType NetworkPolicies = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true);
    public static readonly ResourceType HorizontalPodAutoscalers = new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true);
    public static readonly ResourceType PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true);
    public static readonly ResourceType Events = new("", "v1", "events", "Event", true);

    public static IReadOnlyList<ResourceType> All { get; } =
        [Pods, Services, Secrets, Nodes, Deployments, StatefulSets, DaemonSets, ReplicaSets, NetworkPolicies, HorizontalPodAutoscalers, PodDisruptionBudgets, Events];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>How error messages name the resource: <c>deployments.apps</c>, or <c>pods</c> for the core group.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Workloads that serve the <c>/scale</c> subresource.</summary>
    public bool Scalable => this == Deployments || this == StatefulSets || this == ReplicaSets;

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Plural == plural && (t.Version == version || (t == HorizontalPodAutoscalers && version == "v1")));
}
