using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

namespace Remediator.Guards.Workloads;

/// <summary>Reads <see cref="WorkloadStatus"/> from the Kubernetes API (reads only).</summary>
public sealed class KubernetesWorkloadStatusReader(IKubernetesReader reader) : IWorkloadStatusReader
{
    /// <summary>The isolate action's NetworkPolicies are named after the workload they isolate.</summary>
    private const string IsolationPolicyPrefix = "remediator-isolate-";

    public async Task<WorkloadStatus> ReadAsync(RemediationTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var ns = target.Namespace ?? throw new ArgumentException($"{target} has no namespace: the minimum-healthy gate reads namespaced workloads only", nameof(target));
        var (objects, replicas, available) = target.Kind switch
        {
            TargetKind.Deployment or TargetKind.StatefulSet or TargetKind.DaemonSet => await ReadWorkloadsAsync(target, ns, cancellationToken),
            TargetKind.Pod => await ReadPodsAsync(target, ns, cancellationToken),
            _ => throw new ArgumentException($"{target}: the minimum-healthy gate reads Deployments, StatefulSets, DaemonSets and Pods", nameof(target)),
        };
        var (workloads, outOfService) = await ReadNamespaceAsync(ns, cancellationToken);
        return new WorkloadStatus(objects, replicas, available, workloads, outOfService);
    }

    private async Task<(int Objects, int Replicas, int Available)> ReadWorkloadsAsync(RemediationTarget target, string ns, CancellationToken cancellationToken)
    {
        var resource = KubernetesResource.For(target.Kind);
        IReadOnlyList<JsonObject> items = target.Name is { } name
            ? [await reader.GetAsync(resource, ns, name, null, cancellationToken)]
            : await reader.ListAsync(resource, ns, target.LabelSelector, null, cancellationToken);
        var daemonSet = target.Kind == TargetKind.DaemonSet;
        var replicas = items.Sum(item => daemonSet ? Int(item["status"]?["desiredNumberScheduled"]) : DesiredReplicas(item));
        var available = items.Sum(item => Int(item["status"]?[daemonSet ? "numberAvailable" : "availableReplicas"]));
        return (items.Count, replicas, available);
    }

    /// <summary>A pod's siblings are the pods of the same controller: quarantining it leaves the others.</summary>
    private async Task<(int Objects, int Replicas, int Available)> ReadPodsAsync(RemediationTarget target, string ns, CancellationToken cancellationToken)
    {
        if (target.Name is not { } name)
        {
            var matched = await reader.ListAsync(KubernetesResource.Pods, ns, target.LabelSelector, null, cancellationToken);
            return (matched.Count, matched.Count, matched.Count(IsReady));
        }

        var pod = await reader.GetAsync(KubernetesResource.Pods, ns, name, null, cancellationToken);
        if (ControllerUid(pod) is not { } owner)
        {
            return (1, 1, IsReady(pod) ? 1 : 0);
        }

        var siblings = (await reader.ListAsync(KubernetesResource.Pods, ns, null, null, cancellationToken))
            .Where(p => ControllerUid(p) == owner)
            .ToList();
        return (1, siblings.Count, siblings.Count(IsReady));
    }

    private async Task<(int Workloads, int OutOfService)> ReadNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        var deployments = await reader.ListAsync(KubernetesResource.Deployments, ns, null, null, cancellationToken);
        var statefulSets = await reader.ListAsync(KubernetesResource.StatefulSets, ns, null, null, cancellationToken);
        var daemonSets = await reader.ListAsync(KubernetesResource.DaemonSets, ns, null, null, cancellationToken);
        var policies = await reader.ListAsync(KubernetesResource.NetworkPolicies, ns, null, null, cancellationToken);
        var isolated = policies.Select(Name)
            .Where(policy => policy.StartsWith(IsolationPolicyPrefix, StringComparison.Ordinal))
            .Select(policy => policy[IsolationPolicyPrefix.Length..]);
        var atZero = deployments.Concat(statefulSets).Where(w => DesiredReplicas(w) == 0).Select(Name);
        var outOfService = isolated.Concat(atZero).ToHashSet(StringComparer.Ordinal);
        var all = deployments.Concat(statefulSets).Concat(daemonSets).Select(Name).ToHashSet(StringComparer.Ordinal);
        outOfService.IntersectWith(all);
        return (all.Count, outOfService.Count);
    }

    private static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;

    /// <summary>Kubernetes defaults an unset replica count to 1.</summary>
    private static int DesiredReplicas(JsonObject workload) => Int(workload["spec"]?["replicas"], 1);

    private static int Int(JsonNode? node, int defaultValue = 0) => node is null ? defaultValue : node.GetValue<int>();

    private static string? ControllerUid(JsonObject pod) =>
        (pod["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(reference => reference["controller"]?.GetValue<bool>() == true)?["uid"]?.GetValue<string>();

    private static bool IsReady(JsonObject pod) =>
        pod["metadata"]?["deletionTimestamp"] is null &&
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;
}
