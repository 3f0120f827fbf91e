using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// What a step result may say about an HTTP answer: its status and a short, sanitised excerpt of
/// the body. Step results are readable through the read API, the dashboard and escalation
/// messages, so they never carry a Kubernetes object's body (had a request reached an API path
/// it should not, a Secret list would be echoed to everyone who can read a run), never control
/// characters (log and terminal injection) and never more than <see cref="MaxLength"/> characters.
/// </summary>
internal static class ResponseExcerpt
{
    /// <summary>The most characters of a body a step result shows.</summary>
    public const int MaxLength = 200;

    /// <summary><c>answered 503: excerpt</c>, or <c>answered 503</c> when there is nothing to show.</summary>
    public static string Answered(int status, string? body) =>
        Of(body) is { Length: > 0 } excerpt
            ? string.Create(CultureInfo.InvariantCulture, $"answered {status}: {excerpt}")
            : string.Create(CultureInfo.InvariantCulture, $"answered {status}");

    /// <summary>
    /// The excerpt of <paramref name="body"/>: a Kubernetes Status shows only its message (the API
    /// server's own reason, e.g. "no endpoints available"); any other Kubernetes object (JSON with
    /// <c>apiVersion</c> and <c>kind</c>) is withheld, naming its kind; other text is flattened to
    /// one line without control characters and cut at <see cref="MaxLength"/>.
    /// </summary>
    public static string Of(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        return KubernetesObject(body) switch
        {
            (_, "Status", var message) => Clean(message ?? "(a Status without a message)"),
            (_, { } kind, _) => $"(withheld: a Kubernetes {Clean(kind)} object)",
            _ => Clean(body),
        };
    }

    /// <summary>Flattens <paramref name="text"/> to one line: control characters become spaces, runs of spaces one, cut with "…".</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        foreach (var c in text)
        {
            var shown = char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c;
            if (shown == ' ' && (builder.Length == 0 || builder[^1] == ' '))
            {
                continue;
            }

            if (builder.Length == MaxLength)
            {
                return builder.ToString().TrimEnd() + "…";
            }

            builder.Append(shown);
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary>The <c>apiVersion</c>, <c>kind</c> and <c>message</c> of a JSON object that has an apiVersion and a kind; all null otherwise.</summary>
    private static (string? ApiVersion, string? Kind, string? Message) KubernetesObject(string body)
    {
        if (!body.TrimStart().StartsWith('{'))
        {
            return default;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject o && Text(o["apiVersion"]) is { } apiVersion && Text(o["kind"]) is { } kind
                ? (apiVersion, kind, Text(o["message"]))
                : default;
        }
        catch (JsonException)
        {
            // Not JSON after all: shown as text.
            return default;
        }
    }

    /// <summary>A JSON node's string value, or null.</summary>
    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
