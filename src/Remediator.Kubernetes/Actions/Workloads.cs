using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>Shared reads: which objects a target means, their pods, label selectors as query strings.</summary>
internal static class Workloads
{
    public static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    public static long Generation(JsonObject obj) => obj["metadata"]?["generation"]?.GetValue<long>() ?? 0;

    public static int Int(JsonNode? node, int defaultValue = 0) => node is null ? defaultValue : node.GetValue<int>();

    public static string Describe(KubernetesResource resource, string? ns, string name) =>
        $"{resource.Kind.ToLowerInvariant()}/{(ns is null ? "" : ns + "/")}{name}";

    /// <summary>The names the target denotes: its name, or every object its selector matches.</summary>
    public static async Task<IReadOnlyList<string>> ResolveNamesAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var target = context.Target;
        if (target.Name is { } name)
        {
            IReadOnlyList<string> named = [name];
            context.ResolvedNames = named;
            return named;
        }

        var resource = KubernetesResource.For(target.Kind);
        var ns = resource.Namespaced ? context.Namespace : null;
        var items = await context.Reader.ListAsync(resource, ns, target.LabelSelector, null, cancellationToken);
        IReadOnlyList<string> names = items.Count > 0
            ? [.. items.Select(Name)]
            : throw new ActionRefusedException($"no {resource.Kind} in namespace \"{ns}\" matches selector \"{target.LabelSelector}\"");
        context.ResolvedNames = names;
        return names;
    }

    /// <summary>Only these kinds make sense for the action; anything else is a rule error.</summary>
    public static void Require(ActionContext context, params TargetKind[] kinds)
    {
        if (!kinds.Contains(context.Target.Kind))
        {
            throw new ActionParameterException($"{context.ActionName} acts on {string.Join(", ", kinds)}, not {context.Target.Kind}");
        }
    }

    /// <summary>The pods a target means: a Pod by name or selector, or the pods of a workload.</summary>
    public static async Task<IReadOnlyList<JsonObject>> PodsAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var target = context.Target;
        var ns = context.Namespace;
        if (target.Kind == TargetKind.Pod)
        {
            return target.Name is { } podName
                ? [await context.Reader.GetAsync(KubernetesResource.Pods, ns, podName, null, cancellationToken)]
                : await context.Reader.ListAsync(KubernetesResource.Pods, ns, target.LabelSelector, null, cancellationToken);
        }

        var resource = KubernetesResource.For(target.Kind);
        var pods = new List<JsonObject>();
        foreach (var name in await ResolveNamesAsync(context, cancellationToken))
        {
            var workload = await context.Reader.GetAsync(resource, ns, name, null, cancellationToken);
            var selector = SelectorQuery(workload["spec"]?["selector"])
                ?? throw new ActionRefusedException($"{Describe(resource, ns, name)} has no pod selector");
            pods.AddRange(await context.Reader.ListAsync(KubernetesResource.Pods, ns, selector, null, cancellationToken));
        }

        return pods;
    }

    public static bool IsReady(JsonObject pod) =>
        pod["metadata"]?["deletionTimestamp"] is null &&
        pod["status"]?["phase"]?.GetValue<string>() == "Running" &&
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;

    /// <summary>
    /// A LabelSelector object (matchLabels, matchExpressions) in query-string form, its terms in
    /// key order as client-go's LabelSelectorAsSelector writes them (kubectl rollout undo's list
    /// of ReplicaSets), so the query is the one kubectl sends.
    /// </summary>
    public static string? SelectorQuery(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return null;
        }

        var terms = new List<(string Key, string Term)>();
        if (s["matchLabels"] is JsonObject labels)
        {
            terms.AddRange(labels.Select(kv => (kv.Key, $"{kv.Key}={kv.Value?.GetValue<string>()}")));
        }

        if (s["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var key = e["key"]!.GetValue<string>();
                var values = string.Join(",", (e["values"] as JsonArray ?? []).Select(v => v!.GetValue<string>()));
                terms.Add((key, e["operator"]!.GetValue<string>() switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    var op => throw new ActionRefusedException($"unknown label selector operator '{op}'"),
                }));
            }
        }

        return terms.Count == 0 ? null : string.Join(",", terms.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Term));
    }
}
