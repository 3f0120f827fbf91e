using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl cordon</c> / <c>uncordon</c>: read the Node, and unless it already is as asked, the
/// strategic merge patch kubectl's CordonHelper sends: <c>spec.unschedulable: true</c>, or
/// <c>null</c> to uncordon (the field is omitted when false, so kubectl's two-way patch removes it).
/// Each is the other's inverse.
/// </summary>
internal sealed class CordonAction(bool cordon) : IRemediationAction
{
    public ActionSpec Spec => cordon ? ActionCatalog.Cordon : ActionCatalog.Uncordon;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Node);
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        foreach (var node in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var (changed, message) = await SetAsync(context, node, cordon, cancellationToken);
            details.Add(new ActionTargetResult($"node/{node}", true, message));
            if (changed)
            {
                undo.Add(Inverse(node, !cordon));
            }
        }

        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Compensation = undo.Count == 0 ? null : new Compensation(cordon ? "uncordon the nodes" : "cordon the nodes again", undo),
        };
    }

    internal static async Task<(bool Changed, string Message)> SetAsync(ActionContext context, string node, bool unschedulable, CancellationToken cancellationToken)
    {
        var current = await context.Reader.GetAsync(KubernetesResource.Nodes, null, node, null, cancellationToken);
        if ((current["spec"]?["unschedulable"]?.GetValue<bool>() ?? false) == unschedulable)
        {
            return (false, unschedulable ? "already cordoned" : "already schedulable");
        }

        await context.PatchAsync(KubernetesResource.Nodes, null, node, PatchKind.StrategicMerge, Unschedulable(unschedulable), null, cancellationToken);
        return (true, unschedulable ? "cordoned" : "uncordoned");
    }

    internal static CompensatingRequest Inverse(string node, bool unschedulable) => new()
    {
        Verb = CompensationVerb.Patch,
        Resource = KubernetesResource.Nodes,
        Name = node,
        Patch = PatchKind.StrategicMerge,
        Body = Unschedulable(unschedulable).ToJsonString(),

        // A boolean the API server stores as sent: what the action left is the opposite of the undo.
        Expected = ChangedFields.LeftBy(Unschedulable(!unschedulable), null),
    };

    private static JsonObject Unschedulable(bool value) => new() { ["spec"] = new JsonObject { ["unschedulable"] = value ? true : null } };
}

/// <summary>
/// <c>kubectl drain</c>: refuse first if a pod could not be moved (no controller, or emptyDir
/// data without <c>delete-emptydir-data</c>, or DaemonSet pods without <c>ignore-daemonsets</c>),
/// then cordon and evict every other pod through the Eviction API, retrying evictions a
/// PodDisruptionBudget refuses (429) with backoff until the step times out; DaemonSet and mirror pods stay.
/// The inverse uncordons (evicted pods are not brought back).
/// </summary>
internal sealed class DrainAction : IRemediationAction
{
    public const string MirrorAnnotation = "kubernetes.io/config.mirror";

    public ActionSpec Spec => ActionCatalog.Drain;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Node);
        var (ignoreDaemonSets, deleteEmptyDir, grace) = context.Read(DrainParameters.From);
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        foreach (var node in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var pods = await context.Reader.ListAsync(KubernetesResource.Pods, null, null, $"spec.nodeName={node}", cancellationToken);
            var toEvict = new List<JsonObject>();
            var problems = new List<string>();
            var skipped = 0;
            foreach (var pod in pods)
            {
                var name = $"{pod["metadata"]?["namespace"]}/{Workloads.Name(pod)}";
                var controller = (pod["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true);
                var finished = pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed";
                if (pod["metadata"]?["annotations"]?[MirrorAnnotation] is not null)
                {
                    skipped++;
                }
                else if (controller?["kind"]?.GetValue<string>() == "DaemonSet")
                {
                    if (ignoreDaemonSets)
                    {
                        skipped++;
                    }
                    else
                    {
                        problems.Add($"{name} is managed by DaemonSet {controller["name"]} (set ignore-daemonsets: true)");
                    }
                }
                else if (controller is null && !finished)
                {
                    problems.Add($"{name} is not managed by a controller and would be lost");
                }
                else if (!deleteEmptyDir && !finished && (pod["spec"]?["volumes"] as JsonArray)?.OfType<JsonObject>().Any(v => v["emptyDir"] is not null) == true)
                {
                    problems.Add($"{name} uses emptyDir data that would be deleted (set delete-emptydir-data: true)");
                }
                else
                {
                    toEvict.Add(pod);
                }
            }

            if (problems.Count > 0)
            {
                throw new ActionRefusedException($"cannot drain node {node}: {string.Join("; ", problems)}");
            }

            var (cordoned, _) = await CordonAction.SetAsync(context, node, true, cancellationToken);
            if (cordoned)
            {
                undo.Add(CordonAction.Inverse(node, false));
            }

            foreach (var pod in toEvict)
            {
                await EvictAsync(context, pod, grace, cancellationToken);
            }

            if (!context.DryRun)
            {
                await WaitUntilGoneAsync(context, node, toEvict, cancellationToken);
            }

            details.Add(new ActionTargetResult($"node/{node}", true, $"drained: {toEvict.Count} pods evicted, {skipped} DaemonSet/mirror pods left"));
        }

        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Compensation = undo.Count == 0 ? null : new Compensation("uncordon the drained nodes (evicted pods are not brought back)", undo),
        };
    }

    private static async Task EvictAsync(ActionContext context, JsonObject pod, TimeSpan? grace, CancellationToken cancellationToken)
    {
        var ns = pod["metadata"]!["namespace"]!.GetValue<string>();
        var name = Workloads.Name(pod);
        var delay = context.Options.EvictionRetryInterval;
        while (true)
        {
            try
            {
                await context.EvictAsync(ns, name, grace, cancellationToken);
                return;
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                return;
            }
            catch (KubernetesApiException e) when (e.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
            {
                // A disruption budget says not now: retry until the step times out, backing off
                // from the configured interval (kubectl's 5 s) to six times it.
                context.Progress = $"eviction of pod {ns}/{name} still refused: {e.Message}";
                context.Logger.LogEvictionRefused(ns, name, e.Message);
                await Task.Delay(delay, context.Time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, context.Options.EvictionRetryInterval.Ticks * 6));
            }
        }
    }

    private static async Task WaitUntilGoneAsync(ActionContext context, string node, List<JsonObject> evicted, CancellationToken cancellationToken)
    {
        var uids = evicted.Select(p => p["metadata"]!["uid"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var remaining = await context.Reader.ListAsync(KubernetesResource.Pods, null, null, $"spec.nodeName={node}", cancellationToken);
            if (!remaining.Any(p => uids.Contains(p["metadata"]!["uid"]!.GetValue<string>())))
            {
                return;
            }

            await Task.Delay(context.Options.PollInterval, context.Time, cancellationToken);
        }
    }
}

/// <summary>
/// Deletes pods by name or selector; their controllers recreate them. Not reversible. As
/// <c>kubectl delete pod</c> does, a named pod is deleted without reading it first (404: already
/// gone), and a selector is one list, then a delete per pod.
/// </summary>
internal sealed class DeletePodAction : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.DeletePod;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Pod);
        IReadOnlyList<string> names = context.Target.Name is { } name
            ? [name]
            : [.. (await Workloads.PodsAsync(context, cancellationToken)).Select(Workloads.Name)];
        if (names.Count == 0)
        {
            throw new ActionRefusedException($"no pod matches {context.Target}");
        }

        var details = new List<ActionTargetResult>();
        foreach (var pod in names)
        {
            try
            {
                await context.DeleteAsync(KubernetesResource.Pods, context.Namespace, pod, null, null, cancellationToken);
                details.Add(new ActionTargetResult($"pod/{context.Namespace}/{pod}", true, "deleted"));
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                details.Add(new ActionTargetResult($"pod/{context.Namespace}/{pod}", true, "already gone"));
            }
        }

        return context.Outcome(ActionStatus.Succeeded, $"deleted {details.Count} pod(s): {string.Join(", ", details.Select(d => d.Target))}") with { Details = details };
    }
}
