using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// Takes a workload out of service, three ways: <c>scale-to-zero</c> (remembering the replica
/// count), <c>quarantine-pod</c> (relabel a pod out of its Services' selectors, so its
/// controller replaces it and it stays for debugging) or <c>network-policy</c> (a deny-all
/// NetworkPolicy on the workload's pods). Each records its inverse.
/// </summary>
internal sealed class IsolateAction : IRemediationAction
{
    public const string QuarantineLabel = "remediator.io/quarantined";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    public ActionSpec Spec => ActionCatalog.Isolate;

    public Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken) =>
        context.Read(IsolateParameters.From).Mode switch
        {
            IsolationMode.QuarantinePod => QuarantineAsync(context, cancellationToken),
            IsolationMode.NetworkPolicy => NetworkPolicyAsync(context, cancellationToken),
            _ => ScaleToZeroAsync(context, cancellationToken),
        };

    private static async Task<ActionOutcome> ScaleToZeroAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet);
        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        var before = new JsonObject();
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(resource, ns, name);
            // The count to restore is the one read; the write carries its resourceVersion (409: read again).
            var (replicas, written) = await context.RetryOnConflictAsync(described, async () =>
            {
                var scale = await context.Reader.GetAsync(resource, ns, name, "scale", cancellationToken);
                var replicas = Workloads.Int(scale["spec"]?["replicas"]);
                var written = replicas == 0
                    ? null
                    : await context.PatchAsync(resource, ns, name, PatchKind.Merge, ActionContext.Guarded(ScaleAction.ReplicasPatch(0), scale), "scale", cancellationToken);
                return (replicas, written);
            });
            before[name] = replicas;
            if (replicas == 0)
            {
                details.Add(new ActionTargetResult(described, true, "already at 0 replicas"));
                continue;
            }

            undo.Add(ScaleAction.ScaleBack(resource, ns, name, replicas, 0, written));
            details.Add(new ActionTargetResult(described, true, $"scaled from {replicas} to 0 replicas"));
        }

        return Result(context, details, before, undo, "scale back to the replica counts before isolation");
    }

    private static async Task<ActionOutcome> QuarantineAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Pod);
        var ns = context.Namespace;
        var services = await context.Reader.ListAsync(KubernetesResource.Services, ns, null, null, cancellationToken);
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        var before = new JsonObject();
        foreach (var pod in await Workloads.PodsAsync(context, cancellationToken))
        {
            var name = Workloads.Name(pod);
            var described = Workloads.Describe(KubernetesResource.Pods, ns, name);
            var labels = pod["metadata"]?["labels"] as JsonObject ?? [];
            var selecting = services.Where(s => s["spec"]?["selector"] is JsonObject selector && selector.Count > 0 &&
                selector.All(kv => labels[kv.Key]?.GetValue<string>() == kv.Value?.GetValue<string>())).ToList();
            if (selecting.Count == 0)
            {
                throw new ActionRefusedException($"{described}: no Service selects it, so there is no traffic to take it out of");
            }

            var keys = selecting.SelectMany(s => ((JsonObject)s["spec"]!["selector"]!).Select(kv => kv.Key)).Distinct(StringComparer.Ordinal).ToList();
            var removed = new JsonObject();
            var restore = new JsonObject { [QuarantineLabel] = null };
            foreach (var key in keys)
            {
                removed[key] = null;
                restore[key] = labels[key]!.DeepClone();
            }

            removed[QuarantineLabel] = "true";
            before[name] = labels.DeepClone();
            var quarantine = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = removed } };
            var written = await context.PatchAsync(KubernetesResource.Pods, ns, name, PatchKind.Merge, quarantine.DeepClone(), null, cancellationToken);
            undo.Add(new CompensatingRequest
            {
                Verb = CompensationVerb.Patch,
                Resource = KubernetesResource.Pods,
                Namespace = ns,
                Name = name,
                Body = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = restore } }.ToJsonString(),
                Expected = ChangedFields.LeftBy(quarantine, written),
            });
            details.Add(new ActionTargetResult(described, true, $"quarantined: removed labels {string.Join(", ", keys)} selected by service(s) {string.Join(", ", selecting.Select(Workloads.Name))}"));
        }

        return Result(context, details, before, undo, "restore the quarantined pods' labels");
    }

    private static async Task<ActionOutcome> NetworkPolicyAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet, TargetKind.DaemonSet, TargetKind.Pod);
        var ns = context.Namespace;
        var resource = KubernetesResource.For(context.Target.Kind);
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var workload = await context.Reader.GetAsync(resource, ns, name, null, cancellationToken);
            var podSelector = context.Target.Kind == TargetKind.Pod
                ? new JsonObject { ["matchLabels"] = workload["metadata"]?["labels"]?.DeepClone() ?? new JsonObject() }
                : (JsonObject)(workload["spec"]?["selector"]?.DeepClone() ?? throw new ActionRefusedException($"{Workloads.Describe(resource, ns, name)} has no pod selector"));
            var policyName = $"remediator-isolate-{name}";
            var policy = new JsonObject
            {
                ["apiVersion"] = KubernetesResource.NetworkPolicies.ApiVersion,
                ["kind"] = KubernetesResource.NetworkPolicies.Kind,
                ["metadata"] = new JsonObject
                {
                    ["name"] = policyName,
                    ["namespace"] = ns,
                    ["labels"] = new JsonObject { [ManagedByLabel] = "remediator" },
                },
                ["spec"] = new JsonObject
                {
                    ["podSelector"] = podSelector,
                    ["policyTypes"] = new JsonArray("Ingress", "Egress"),
                },
            };
            var described = Workloads.Describe(resource, ns, name);
            JsonObject? created = null;
            try
            {
                created = await context.CreateAsync(KubernetesResource.NetworkPolicies, ns, policy, cancellationToken);
                details.Add(new ActionTargetResult(described, true, $"deny-all NetworkPolicy {policyName} created"));
            }
            catch (KubernetesApiException e) when (e.Reason == "AlreadyExists")
            {
                details.Add(new ActionTargetResult(described, true, $"deny-all NetworkPolicy {policyName} already present"));
            }

            undo.Add(new CompensatingRequest
            {
                Verb = CompensationVerb.Delete,
                Resource = KubernetesResource.NetworkPolicies,
                Namespace = ns,
                Name = policyName,
                ResourceVersion = created?["metadata"]?["resourceVersion"]?.GetValue<string>(),
            });
        }

        return Result(context, details, null, undo, "delete the isolating NetworkPolicies");
    }

    private static ActionOutcome Result(ActionContext context, List<ActionTargetResult> details, JsonObject? before, List<CompensatingRequest> undo, string undoDescription) =>
        context.Outcome(ActionStatus.Succeeded, "isolated: " + string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Before = before?.ToJsonString(),
            Compensation = undo.Count == 0 ? null : new Compensation(undoDescription, undo),
        };
}
