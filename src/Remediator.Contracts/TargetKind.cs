namespace Remediator.Contracts;

/// <summary>The Kubernetes objects a rule can target.</summary>
public enum TargetKind
{
    Deployment,
    StatefulSet,
    DaemonSet,
    Pod,
    Node,
    HorizontalPodAutoscaler,
}
