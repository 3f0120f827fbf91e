using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl scale</c> through the <c>/scale</c> subresource: <c>replicas: N</c> or
/// <c>by: +N/-N</c>, clamped to <c>min</c>/<c>max</c>. A workload an HPA manages is refused:
/// the autoscaler would undo the change within seconds (use patch-hpa instead).
/// </summary>
internal sealed class ScaleAction : IRemediationAction
{
    public string Name => "scale";

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet);
        var p = context.Parameters;
        var replicas = p.Number("replicas");
        var by = p.Delta("by");
        if (replicas is null == by is null)
        {
            throw new ActionParameterException("scale: give exactly one of 'replicas' and 'by'");
        }

        var min = p.Number("min") ?? 0;
        var max = p.Number("max") ?? int.MaxValue;
        if (min < 0 || max < min)
        {
            throw new ActionParameterException($"scale: bounds must satisfy 0 <= min <= max, got min {min}, max {max}");
        }

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
            var scale = await context.Reader.GetAsync(resource, ns, name, "scale", cancellationToken);
            var current = Workloads.Int(scale["spec"]?["replicas"]);
            var desired = Math.Clamp(replicas ?? (int)Math.Clamp((long)current + by!.Value, 0, int.MaxValue), min, max);
            before[name] = current;
            after[name] = desired;
            if (desired == current)
            {
                details.Add(new ActionTargetResult(described, true, $"already at {current} replicas"));
                continue;
            }

            await context.PatchAsync(resource, ns, name, PatchKind.Merge, ReplicasPatch(desired), "scale", cancellationToken);
            undo.Add(new CompensatingRequest
            {
                Verb = CompensationVerb.Patch,
                Resource = resource,
                Namespace = ns,
                Name = name,
                Subresource = "scale",
                Body = ReplicasPatch(current).ToJsonString(),
            });
            details.Add(new ActionTargetResult(described, true, $"scaled from {current} to {desired} replicas{(desired != (replicas ?? current + by!.Value) ? $" (clamped to [{min}, {(max == int.MaxValue ? "∞" : max)}])" : "")}"));
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

    internal static async Task RefuseIfAutoscaledAsync(ActionContext context, KubernetesResource resource, string name, string described, CancellationToken cancellationToken)
    {
        var autoscalers = await context.Reader.ListAsync(KubernetesResource.HorizontalPodAutoscalers, context.Namespace, null, null, cancellationToken);
        var hpa = autoscalers.FirstOrDefault(h =>
            h["spec"]?["scaleTargetRef"]?["kind"]?.GetValue<string>() == resource.Kind &&
            h["spec"]?["scaleTargetRef"]?["name"]?.GetValue<string>() == name);
        if (hpa is not null)
        {
            throw new ActionRefusedException(
                $"{described} is managed by HorizontalPodAutoscaler \"{Workloads.Name(hpa)}\" (min {Workloads.Int(hpa["spec"]?["minReplicas"], 1)}, max {Workloads.Int(hpa["spec"]?["maxReplicas"])}): " +
                "the autoscaler would undo a direct scale; use the patch-hpa action to move its bounds instead");
        }
    }
}
