using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>set-env</c> and <c>set-resources</c>: a strategic merge patch of the pod template's
/// containers, keyed by container name (every container unless <c>container</c> names one), as
/// <c>kubectl set env</c> / <c>kubectl set resources</c> send it (with <c>$setElementOrder</c>
/// for the containers and their env), guarded by the resourceVersion read.
/// The previous values are recorded, and the inverse patch restores them exactly, deleting
/// what did not exist before.
/// </summary>
internal sealed class ContainerPatchAction(ActionSpec spec) : IRemediationAction
{
    public ActionSpec Spec { get; } = spec;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet, TargetKind.DaemonSet);
        string? onlyContainer;
        IReadOnlyDictionary<string, string> env = new Dictionary<string, string>();
        var resources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Spec == ActionCatalog.SetEnv)
        {
            (onlyContainer, env) = context.Read(SetEnvParameters.From);
        }
        else
        {
            var (container, requests, limits) = context.Read(SetResourcesParameters.From);
            onlyContainer = container;
            foreach (var (section, values) in new[] { ("requests", requests), ("limits", limits) })
            {
                foreach (var (quantity, value) in values)
                {
                    resources[$"{section}.{quantity}"] = value;
                }
            }
        }

        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        var before = new JsonObject();
        foreach (var workloadName in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(resource, ns, workloadName);
            // The inverse is computed from what was read, so the write carries that resourceVersion:
            // if the template changed in between, it is a 409 and the values are read again.
            var (containers, backward, previous, templateChange, written) = await context.RetryOnConflictAsync(described, async () =>
            {
                var workload = await context.Reader.GetAsync(resource, ns, workloadName, null, cancellationToken);
                var all = (workload["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                var containers = all.Where(c => onlyContainer is null || c["name"]?.GetValue<string>() == onlyContainer).ToList();
                if (containers.Count == 0)
                {
                    throw new ActionRefusedException($"{described} has no container named \"{onlyContainer}\"");
                }

                var forward = new JsonArray();
                var backward = new JsonArray();
                var previous = new JsonObject();
                foreach (var container in containers)
                {
                    var containerName = container["name"]!.GetValue<string>();
                    var (change, inverse, old) = Spec == ActionCatalog.SetEnv ? EnvPatch(container, env) : ResourcesPatch(container, resources);
                    change["name"] = containerName;
                    inverse["name"] = containerName;
                    forward.Add(change);
                    backward.Add(inverse);
                    previous[containerName] = old;
                }

                var templateChange = TemplatePatch(forward);

                // As kubectl set's two-way patch says it: the containers' order, all of them, beside the ones changed.
                ((JsonObject)templateChange["spec"]!["template"]!["spec"]!)[SetContainerOrder] = new JsonArray([.. all.Select(c => (JsonNode)new JsonObject { ["name"] = c["name"]!.DeepClone() })]);
                var written = await context.PatchAsync(resource, ns, workloadName, PatchKind.StrategicMerge, ActionContext.Guarded((JsonObject)templateChange.DeepClone(), workload), null, cancellationToken);
                return (containers, backward, previous, templateChange, written);
            });
            before[workloadName] = previous;
            undo.Add(new CompensatingRequest
            {
                Verb = CompensationVerb.Patch,
                Resource = resource,
                Namespace = ns,
                Name = workloadName,
                Patch = PatchKind.StrategicMerge,
                Body = TemplatePatch(backward).ToJsonString(),
                Expected = ChangedFields.LeftBy(templateChange, written),
            });
            var what = Spec == ActionCatalog.SetEnv ? string.Join(", ", env.Keys) : string.Join(", ", resources.Select(r => $"{r.Key}={r.Value}"));
            details.Add(new ActionTargetResult(described, true, $"set {what} in container(s) {string.Join(", ", containers.Select(c => c["name"]!.GetValue<string>()))}"));
        }

        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Before = before.ToJsonString(),
            Compensation = new Compensation($"restore the values {Spec.Name} replaced", undo),
        };
    }

    /// <summary>
    /// The variables set in place, new ones appended after the old, as <c>kubectl set env</c> leaves
    /// them: order matters, a <c>$(VAR)</c> reference sees only the variables before it. Like
    /// kubectl's patch, this one says the order (<c>$setElementOrder/env</c>); without it the API
    /// server would put a new variable before or among the old ones.
    /// </summary>
    private static (JsonObject Change, JsonObject Inverse, JsonObject Old) EnvPatch(JsonObject container, IReadOnlyDictionary<string, string> env)
    {
        var existing = (container["env"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(e => e["name"]!.GetValue<string>(), StringComparer.Ordinal);
        var order = existing.Keys.Concat(env.Keys.Where(name => !existing.ContainsKey(name)))
            .Select(name => (JsonNode)new JsonObject { ["name"] = name });
        var change = new JsonArray();
        var inverse = new JsonArray();
        var old = new JsonObject();
        foreach (var (name, value) in env)
        {
            // valueFrom must go when a literal value replaces it, or the API server rejects both.
            change.Add(new JsonObject { ["name"] = name, ["value"] = value, ["valueFrom"] = null });
            if (existing.TryGetValue(name, out var was))
            {
                old[name] = was.DeepClone();
                var restore = (JsonObject)was.DeepClone();
                restore["value"] ??= null;
                restore["valueFrom"] ??= null;
                inverse.Add(restore);
            }
            else
            {
                old[name] = null;
                inverse.Add(new JsonObject { ["name"] = name, ["$patch"] = "delete" });
            }
        }

        return (new JsonObject { [SetEnvOrder] = new JsonArray([.. order]), ["env"] = change }, new JsonObject { ["env"] = inverse }, old);
    }

    private static (JsonObject Change, JsonObject Inverse, JsonObject Old) ResourcesPatch(JsonObject container, IReadOnlyDictionary<string, string> values)
    {
        var change = new JsonObject();
        var inverse = new JsonObject();
        var old = new JsonObject();
        foreach (var (key, value) in values)
        {
            var (section, field) = (key.Split('.')[0], key.Split('.')[1]);
            var current = container["resources"]?[section]?[field]?.DeepClone();
            old[key] = current?.DeepClone();
            ((JsonObject)(change[section] ??= new JsonObject()))[field] = value;
            ((JsonObject)(inverse[section] ??= new JsonObject()))[field] = current;
        }

        return (new JsonObject { ["resources"] = change }, new JsonObject { ["resources"] = inverse }, old);
    }

    private const string SetEnvOrder = "$setElementOrder/env";
    private const string SetContainerOrder = "$setElementOrder/containers";

    private static JsonObject TemplatePatch(JsonArray containers) => new()
    {
        ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = containers } } },
    };
}
