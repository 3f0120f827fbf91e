using System.Globalization;
using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl rollout undo</c> for Deployments: among the ReplicaSets the Deployment controls
/// (by controller ownerReference), take the one with the previous revision (or
/// <c>to-revision</c>), and JSON-patch its pod template and annotations onto the Deployment,
/// guarded by the resourceVersion read (a 409 re-reads and retries). As kubectl does, the
/// Deployment's annotations become the revision's (annotations added since are dropped), except
/// the few the deployment controller and <c>kubectl apply</c> own, which stay. The deployment
/// controller then gives the ReplicaSet it re-uses the next revision number. The inverse
/// patches the replaced template and annotations back.
/// </summary>
internal sealed class RollbackAction : IRemediationAction
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    // kubectl's annotationsToSkip: never copied from a ReplicaSet onto its Deployment, and kept on the Deployment as they are.
    private static HashSet<string> NotCopied { get; } =
    [
        RevisionAnnotation,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
        "kubectl.kubernetes.io/last-applied-configuration",
    ];

    public ActionSpec Spec => ActionCatalog.Rollback;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment);

        // kubectl's convention: revision 0 means the previous one.
        var toRevision = context.Read(RollbackParameters.From).ToRevision ?? 0;
        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        var undo = new List<CompensatingRequest>();
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(KubernetesResource.Deployments, ns, name);
            var (detail, from, to, inverse) = await context.RetryOnConflictAsync(described, () => RollBackAsync(context, name, described, toRevision, cancellationToken));
            before[name] = from;
            after[name] = to;
            details.Add(detail);
            if (inverse is not null)
            {
                undo.Add(inverse);
            }
        }

        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with
        {
            Details = details,
            Before = before.ToJsonString(),
            After = after.ToJsonString(),
            Compensation = undo.Count == 0 ? null : new Compensation("restore the pod template the rollback replaced", undo),
        };
    }

    /// <summary>
    /// One Deployment's rollback, from a fresh read: the patch replaces metadata.resourceVersion
    /// with the one read, so a Deployment changed since is a 409 and this runs again.
    /// </summary>
    private static async Task<(ActionTargetResult Detail, int Before, int After, CompensatingRequest? Inverse)> RollBackAsync(
        ActionContext context, string name, string described, int toRevision, CancellationToken cancellationToken)
    {
        var ns = context.Namespace;
        var deployment = await context.Reader.GetAsync(KubernetesResource.Deployments, ns, name, null, cancellationToken);
        if (deployment["spec"]?["paused"]?.GetValue<bool>() == true)
        {
            throw new ActionRefusedException($"{described} is paused: resume it before rolling back (kubectl refuses too)");
        }

        var history = await HistoryAsync(context, deployment, cancellationToken);
        // Without the annotation (a controller that has not caught up), the newest ReplicaSet is current.
        var current = Revision(deployment) is > 0 and var annotated ? annotated : history.Keys.DefaultIfEmpty(0).Max();
        var targetRevision = toRevision == 0
            ? history.Keys.Where(r => r < current).DefaultIfEmpty(0).Max()
            : toRevision;
        if (targetRevision == 0)
        {
            throw new ActionRefusedException($"{described}: no previous revision to roll back to (history: {string.Join(", ", history.Keys.Order())})");
        }

        if (!history.TryGetValue(targetRevision, out var replicaSet))
        {
            throw new ActionRefusedException($"{described}: revision {targetRevision} is not in the rollout history (available: {string.Join(", ", history.Keys.Order())})");
        }

        var template = (JsonObject)replicaSet["spec"]!["template"]!.DeepClone();
        (template["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        var currentTemplate = deployment["spec"]!["template"]!;
        if (JsonNode.DeepEquals(template, currentTemplate))
        {
            return (new ActionTargetResult(described, true, $"skipped: the current template already matches revision {targetRevision}"), current, current, null);
        }

        var currentAnnotations = deployment["metadata"]?["annotations"] as JsonObject ?? [];
        var annotations = new JsonObject();
        foreach (var (key, value) in currentAnnotations.Where(a => NotCopied.Contains(a.Key)).Concat((replicaSet["metadata"]?["annotations"] as JsonObject ?? []).Where(a => !NotCopied.Contains(a.Key))))
        {
            annotations[key] = value?.DeepClone();
        }

        var patch = new JsonArray(
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata/resourceVersion", ["value"] = deployment["metadata"]!["resourceVersion"]!.DeepClone() },
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template },
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata/annotations", ["value"] = annotations });
        var written = await context.PatchAsync(KubernetesResource.Deployments, ns, name, PatchKind.Json, patch, null, cancellationToken);

        // The write's answer still carries the old revision: the controller numbers the rollout afterwards, the newest plus one.
        var resulting = Math.Max(current, history.Keys.Max()) + 1;
        var inverse = new CompensatingRequest
        {
            Verb = CompensationVerb.Patch,
            Resource = KubernetesResource.Deployments,
            Namespace = ns,
            Name = name,
            Patch = PatchKind.Json,
            Body = new JsonArray(
                new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = currentTemplate.DeepClone() },
                new JsonObject { ["op"] = "replace", ["path"] = "/metadata/annotations", ["value"] = currentAnnotations.DeepClone() }).ToJsonString(),
            Expected = ChangedFields.LeftBy(new JsonObject { ["spec"] = new JsonObject { ["template"] = template.DeepClone() } }, written),
        };
        return (new ActionTargetResult(described, true, $"rolled back from revision {current} to {targetRevision}'s template, which becomes revision {resulting}"), current, resulting, inverse);
    }

    private static async Task<Dictionary<int, JsonObject>> HistoryAsync(ActionContext context, JsonObject deployment, CancellationToken cancellationToken)
    {
        var uid = deployment["metadata"]!["uid"]!.GetValue<string>();
        var selector = Workloads.SelectorQuery(deployment["spec"]?["selector"]);
        var replicaSets = await context.Reader.ListAsync(KubernetesResource.ReplicaSets, context.Namespace, selector, null, cancellationToken);
        var history = new Dictionary<int, JsonObject>();
        foreach (var rs in replicaSets)
        {
            var owned = (rs["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
                .Any(r => r["controller"]?.GetValue<bool>() == true && r["uid"]?.GetValue<string>() == uid) == true;
            var revision = Revision(rs);
            if (owned && revision > 0)
            {
                history[revision] = rs;
            }
        }

        return history;
    }

    private static int Revision(JsonObject obj) =>
        int.TryParse(obj["metadata"]?["annotations"]?[RevisionAnnotation]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
}
