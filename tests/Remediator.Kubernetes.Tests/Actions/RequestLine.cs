using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// A logged request as docs/actions.md writes it: method, path and decoded query with the
/// scenario's names (and a watch's starting resourceVersion) replaced by place-holders, then for a request with a body its content type
/// (without <c>application/</c> and <c>+json</c>) and the body's keys: the dotted paths to its
/// values, sorted (an array is one key, <c>name[]</c>), or a JSON patch's operations in order.
/// </summary>
public static partial class RequestLine
{
    public const string Namespace = "{ns}";
    public const string Name = "{name}";
    public const string Pod = "{pod}";
    public const string Node = "{node}";
    public const string Autoscaler = "{hpa}";
    public const string Version = "{rv}";

    /// <summary>Each request as a line, place-holders for <paramref name="names"/> (concrete name, place-holder) and every pod; a run of equal lines (one per pod) is one.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<RequestLogEntry> requests, IReadOnlyList<(string Concrete, string Placeholder)> names)
    {
        var lines = new List<string>();
        foreach (var request in requests)
        {
            var line = Format(request, names);
            if (lines.Count == 0 || lines[^1] != line)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static string Format(RequestLogEntry request, IReadOnlyList<(string Concrete, string Placeholder)> names)
    {
        var target = ResourceVersion().Replace(PodSegment().Replace(request.Path + Uri.UnescapeDataString(request.Query), "/pods/" + Pod), "resourceVersion=" + Version);
        foreach (var (concrete, placeholder) in names)
        {
            target = Regex.Replace(target, $@"(?<=[/=]){Regex.Escape(concrete)}(?=$|[/?&:,])", placeholder.Replace("$", "$$", StringComparison.Ordinal));
        }

        if (request.Body is not { } body || request.Method == "GET")
        {
            return $"{request.Method} {target}";
        }

        var media = (request.ContentType ?? "none").Split(';')[0].Replace("application/", "", StringComparison.Ordinal).Replace("+json", "", StringComparison.Ordinal);
        return $"{request.Method} {target} {media} ({string.Join(", ", Keys(JsonNode.Parse(body)))})";
    }

    private static IEnumerable<string> Keys(JsonNode? body) => body switch
    {
        JsonArray operations => operations.OfType<JsonObject>().Select(o => $"{o["op"]} {o["path"]}"),
        JsonObject fields => Leaves(fields, "").Order(StringComparer.Ordinal),
        _ => [],
    };

    private static IEnumerable<string> Leaves(JsonObject fields, string prefix) => fields.SelectMany(field => field.Value switch
    {
        JsonObject inner when inner.Count > 0 => Leaves(inner, $"{prefix}{field.Key}."),
        JsonArray => [$"{prefix}{field.Key}[]"],
        _ => [$"{prefix}{field.Key}"],
    });

    // The version a watch starts from: the read's, which the scenario does not fix.
    [GeneratedRegex(@"(?<=[?&])resourceVersion=\d+")]
    private static partial Regex ResourceVersion();

    // A pod's name in a path, with its proxy port or subresource after it: the scenario's pods are named by their controllers.
    [GeneratedRegex(@"/pods/(?!\{)[^/:?]+")]
    private static partial Regex PodSegment();
}
