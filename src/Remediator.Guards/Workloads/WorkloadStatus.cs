namespace Remediator.Guards.Workloads;

/// <summary>What the minimum-healthy gate needs to know about a target and its namespace, read just before acting.</summary>
/// <param name="Objects">How many objects the target denotes (a name: 1; a selector: every match).</param>
/// <param name="Replicas">The replicas the target's objects want (summed); for a pod, the pods of its controller.</param>
/// <param name="AvailableReplicas">Of those, the ones available (ready) now.</param>
/// <param name="NamespaceWorkloads">Deployments, StatefulSets and DaemonSets in the target's namespace.</param>
/// <param name="OutOfServiceWorkloads">Of those, the ones already isolated by a NetworkPolicy or scaled to zero.</param>
public sealed record WorkloadStatus(int Objects, int Replicas, int AvailableReplicas, int NamespaceWorkloads, int OutOfServiceWorkloads);
