using System.Globalization;
using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl scale</c> through the <c>/scale</c> subresource: <c>replicas: N</c> or
/// <c>by: +N/-N</c>, clamped to <c>min</c>/<c>max</c>. A workload an HPA manages is refused:
/// the autoscaler would undo the change within seconds (use patch-hpa instead).
/// </summary>
internal sealed class ScaleAction : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.Scale;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet);
        var p = context.Read(ScaleParameters.From);
        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(resource, ns, name);
            await RefuseIfAutoscaledAsync(context, resource, name, described, cancellationToken);
            var (current, desired, written) = await context.RetryOnConflictAsync(described, async () =>
            {
                // A relative change must start from the count it changes: the patch carries the
                // resourceVersion read, so a concurrent scale is a 409 and this runs again.
                var scale = await context.Reader.GetAsync(resource, ns, name, "scale", cancellationToken);
                var current = Workloads.Int(scale["spec"]?["replicas"]);
                var desired = p.DesiredReplicas(current);
                var written = desired == current
                    ? null
                    : await context.PatchAsync(resource, ns, name, PatchKind.Merge, ActionContext.Guarded(ReplicasPatch(desired), scale), "scale", cancellationToken);
                return (current, desired, written);
            });
            before[name] = current;
            after[name] = desired;
            if (desired == current)
            {
                details.Add(new ActionTargetResult(described, true, $"already at {current} replicas"));
                continue;
            }

            undo.Add(ScaleBack(resource, ns, name, current, desired, written));
            details.Add(new ActionTargetResult(described, true, $"scaled from {current} to {desired} replicas{(desired != (p.Replicas ?? current + p.By) ? $" (clamped to [{p.Min ?? 0}, {p.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}])" : "")}"));
        }

        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Before = before.ToJsonString(),
            After = after.ToJsonString(),
            Compensation = undo.Count == 0 ? null : new Compensation("scale back to the previous replica counts", undo),
        };
    }

    public static JsonObject ReplicasPatch(int replicas) => new() { ["spec"] = new JsonObject { ["replicas"] = replicas } };

    /// <summary>The undo of a scale from <paramref name="replicas"/> to <paramref name="left"/> (<paramref name="written"/>: the scale write's answer, null in dry-run).</summary>
    internal static CompensatingRequest ScaleBack(KubernetesResource resource, string ns, string name, int replicas, int left, JsonObject? written) => new()
    {
        Verb = CompensationVerb.Patch,
        Resource = resource,
        Namespace = ns,
        Name = name,
        Subresource = "scale",
        Body = ReplicasPatch(replicas).ToJsonString(),
        Expected = ChangedFields.LeftBy(ReplicasPatch(left), written),
    };

    internal static async Task RefuseIfAutoscaledAsync(ActionContext context, KubernetesResource resource, string name, string described, CancellationToken cancellationToken)
    {
        var autoscalers = await context.Reader.ListAsync(KubernetesResource.HorizontalPodAutoscalers, context.Namespace, null, null, cancellationToken);
        var hpa = autoscalers.FirstOrDefault(h =>
            h["spec"]?["scaleTargetRef"]?["kind"]?.GetValue<string>() == resource.Kind &&
            h["spec"]?["scaleTargetRef"]?["name"]?.GetValue<string>() == name);
        if (hpa is not null)
        {
            var hpaName = Workloads.Name(hpa);
            throw new ActionRefusedException(
                $"{described} is managed by HorizontalPodAutoscaler \"{hpaName}\" (min {Workloads.Int(hpa["spec"]?["minReplicas"], 1)}, max {Workloads.Int(hpa["spec"]?["maxReplicas"])}): " +
                $"the autoscaler would undo a direct scale within seconds, so it is refused; move the autoscaler's bounds instead with a patch-hpa step targeting HorizontalPodAutoscaler \"{hpaName}\" (min-replicas/max-replicas)");
        }
    }
}
