using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// Moves a HorizontalPodAutoscaler's bounds (<c>min-replicas</c> &gt;= 1, <c>max-replicas</c> &gt;= min)
/// with a merge patch. The target is the HPA itself, or a Deployment/StatefulSet, meaning the
/// HPA that scales it. The inverse restores the old bounds.
/// </summary>
internal sealed class PatchHpaAction : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.PatchHpa;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.HorizontalPodAutoscaler, TargetKind.Deployment, TargetKind.StatefulSet);
        var (min, max) = context.Read(PatchHpaParameters.From);

        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var name in await AutoscalersAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(KubernetesResource.HorizontalPodAutoscalers, ns, name);

            // The old bounds are the inverse, so the write carries the resourceVersion they were read at (409: read again).
            var (oldMin, oldMax, newMin, newMax, written) = await context.RetryOnConflictAsync(described, async () =>
            {
                var hpa = await context.Reader.GetAsync(KubernetesResource.HorizontalPodAutoscalers, ns, name, null, cancellationToken);
                var oldMin = Workloads.Int(hpa["spec"]?["minReplicas"], 1);
                var oldMax = Workloads.Int(hpa["spec"]?["maxReplicas"]);
                var newMin = min ?? oldMin;
                var newMax = max ?? oldMax;
                if (newMax < newMin)
                {
                    throw new ActionRefusedException($"{described}: max-replicas {newMax} would be below min-replicas {newMin}");
                }

                var written = await context.PatchAsync(KubernetesResource.HorizontalPodAutoscalers, ns, name, PatchKind.Merge, ActionContext.Guarded(Bounds(newMin, newMax), hpa), null, cancellationToken);
                return (oldMin, oldMax, newMin, newMax, written);
            });
            before[name] = new JsonObject { ["minReplicas"] = oldMin, ["maxReplicas"] = oldMax };
            after[name] = new JsonObject { ["minReplicas"] = newMin, ["maxReplicas"] = newMax };
            undo.Add(new CompensatingRequest
            {
                Verb = CompensationVerb.Patch,
                Resource = KubernetesResource.HorizontalPodAutoscalers,
                Namespace = ns,
                Name = name,
                Body = Bounds(oldMin, oldMax).ToJsonString(),
                Expected = ChangedFields.LeftBy(Bounds(newMin, newMax), written),
            });
            details.Add(new ActionTargetResult(described, true, $"bounds [{oldMin}, {oldMax}] -> [{newMin}, {newMax}]"));
        }

        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Before = before.ToJsonString(),
            After = after.ToJsonString(),
            Compensation = new Compensation("restore the autoscaler bounds", undo),
        };
    }

    private static JsonObject Bounds(int min, int max) => new() { ["spec"] = new JsonObject { ["minReplicas"] = min, ["maxReplicas"] = max } };

    /// <summary>
    /// The autoscalers' names: the target's own (read once, by the patch's retry loop), or those of
    /// the HPAs whose scaleTargetRef names the target's workloads.
    /// </summary>
    private static async Task<IReadOnlyList<string>> AutoscalersAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var ns = context.Namespace;
        if (context.Target.Kind == TargetKind.HorizontalPodAutoscaler)
        {
            return await Workloads.ResolveNamesAsync(context, cancellationToken);
        }

        var kind = KubernetesResource.For(context.Target.Kind).Kind;
        var workloads = await Workloads.ResolveNamesAsync(context, cancellationToken);
        var all = await context.Reader.ListAsync(KubernetesResource.HorizontalPodAutoscalers, ns, null, null, cancellationToken);
        var matching = all.Where(h => h["spec"]?["scaleTargetRef"]?["kind"]?.GetValue<string>() == kind &&
            workloads.Contains(h["spec"]?["scaleTargetRef"]?["name"]?.GetValue<string>() ?? "")).Select(Workloads.Name).ToList();
        return matching.Count > 0
            ? matching
            : throw new ActionRefusedException($"no HorizontalPodAutoscaler in namespace \"{ns}\" scales {kind} {string.Join(", ", workloads)}");
    }
}
