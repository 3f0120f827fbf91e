using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl rollout restart</c>: stamp <c>kubectl.kubernetes.io/restartedAt</c> on the pod
/// template so the controller rolls every pod. Paused Deployments are refused, as kubectl does.
/// Not reversible: putting the old annotation back would only roll the pods again.
/// </summary>
internal sealed class RestartAction : IRemediationAction
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    public ActionSpec Spec => ActionCatalog.Restart;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet, TargetKind.DaemonSet);
        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var workload = await context.Reader.GetAsync(resource, ns, name, null, cancellationToken);
            var described = Workloads.Describe(resource, ns, name);
            if (workload["spec"]?["paused"]?.GetValue<bool>() == true)
            {
                throw new ActionRefusedException($"{described} is paused: a restart would not roll out (resume it first: kubectl rollout resume)");
            }

            before[name] = workload["spec"]?["template"]?["metadata"]?["annotations"]?[RestartedAtAnnotation]?.DeepClone();
            var stamp = context.Now;
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["template"] = new JsonObject
                    {
                        ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = stamp } },
                    },
                },
            };
            var patched = await context.PatchAsync(resource, ns, name, PatchKind.StrategicMerge, patch, null, cancellationToken);
            after[name] = stamp;
            details.Add(new ActionTargetResult(described, true, patched is null ? $"would restart (restartedAt {stamp})" : $"restarted: generation {Workloads.Generation(patched)}"));
        }

        return context.Outcome(ActionStatus.Succeeded, $"restarted {string.Join(", ", details.Select(d => d.Target))}") with
        {
            Details = details,
            Before = before.ToJsonString(),
            After = after.ToJsonString(),
        };
    }
}
