using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Simulator;

/// <summary>Label and field selectors as the API server evaluates them.</summary>
public static class Selectors
{
    /// <summary>
    /// Parses a label selector string: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>,
    /// <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, comma-separated (all must hold).
    /// </summary>
    public static Func<IReadOnlyDictionary<string, string>, bool> ParseLabelSelector(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return _ => true;
        }

        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var term in SplitTopLevel(selector))
        {
            var t = term.Trim();
            int index;
            if ((index = t.IndexOf(" notin ", StringComparison.Ordinal)) > 0)
            {
                var key = t[..index].Trim();
                var values = SetValues(t[(index + 7)..]);
                requirements.Add(l => !l.TryGetValue(key, out var v) || !values.Contains(v));
            }
            else if ((index = t.IndexOf(" in ", StringComparison.Ordinal)) > 0)
            {
                var key = t[..index].Trim();
                var values = SetValues(t[(index + 4)..]);
                requirements.Add(l => l.TryGetValue(key, out var v) && values.Contains(v));
            }
            else if ((index = t.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                var key = t[..index].Trim();
                var value = t[(index + 2)..].Trim();
                requirements.Add(l => !l.TryGetValue(key, out var v) || v != value);
            }
            else if (Equality(t) is var (label, wanted))
            {
                requirements.Add(l => l.TryGetValue(label, out var v) && v == wanted);
            }
            else if (t.StartsWith('!'))
            {
                var key = t[1..].Trim();
                requirements.Add(l => !l.ContainsKey(key));
            }
            else
            {
                requirements.Add(l => l.ContainsKey(t));
            }
        }

        return labels => requirements.TrueForAll(r => r(labels));
    }

    /// <summary>
    /// A label and value every object the selector matches must carry (its first <c>a=b</c> or
    /// <c>a==b</c> term), so a store can read only the objects labelled so; null when it has none.
    /// </summary>
    public static (string Key, string Value)? RequiredLabel(string? selector) =>
        string.IsNullOrWhiteSpace(selector)
            ? null
            : SplitTopLevel(selector).Select(term => term.Trim())
                .Where(t => !t.Contains(" notin ", StringComparison.Ordinal) && !t.Contains(" in ", StringComparison.Ordinal) && !t.Contains("!=", StringComparison.Ordinal))
                .Select(Equality)
                .FirstOrDefault(equality => equality is not null);

    // "a=b" or "a==b" (checked after the set and inequality forms, which contain '=' or spaces too).
    private static (string Key, string Value)? Equality(string term)
    {
        var index = term.IndexOf('=', StringComparison.Ordinal);
        return index > 0 ? (term[..index].Trim(), term[(index + 1)..].TrimStart('=').Trim()) : null;
    }

    /// <summary>Evaluates a structured <c>LabelSelector</c> (matchLabels and matchExpressions).</summary>
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject s)
        {
            return false;
        }

        if (s["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                if (!labels.TryGetValue(key, out var v) || v != value?.GetValue<string>())
                {
                    return false;
                }
            }
        }

        if (s["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var key = e["key"]!.GetValue<string>();
                var values = (e["values"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToHashSet() ?? [];
                var has = labels.TryGetValue(key, out var actual);
                var ok = e["operator"]!.GetValue<string>() switch
                {
                    "In" => has && values.Contains(actual!),
                    "NotIn" => !has || !values.Contains(actual!),
                    "Exists" => has,
                    "DoesNotExist" => !has,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>A Service's plain map selector.</summary>
    public static bool MatchesMap(JsonNode? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is JsonObject map && map.Count > 0 &&
        map.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value?.GetValue<string>());

    /// <summary>Field selectors on the fields the API server indexes for the kinds simulated.</summary>
    public static Func<JsonObject, bool> ParseFieldSelector(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return _ => true;
        }

        var requirements = new List<Func<JsonObject, bool>>();
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            var path = parts[0].Trim().Split('.');
            var expected = parts.Length > 1 ? parts[1].Trim() : string.Empty;
            requirements.Add(o =>
            {
                JsonNode? node = o;
                foreach (var p in path)
                {
                    node = node?[p];
                }

                var actual = node?.GetValue<object>()?.ToString() ?? string.Empty;
                return negate ? actual != expected : actual == expected;
            });
        }

        return o => requirements.TrueForAll(r => r(o));
    }

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) =>
        (obj["metadata"]?["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? string.Empty)
        ?? new Dictionary<string, string>();

    private static HashSet<string> SetValues(string list) =>
        [.. list.Trim().TrimStart('(').TrimEnd(')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    // Commas inside "in (a,b)" do not separate requirements.
    private static List<string> SplitTopLevel(string selector)
    {
        var terms = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    terms.Add(selector[start..i]);
                    start = i + 1;
                    break;
            }
        }

        terms.Add(selector[start..]);
        return terms;
    }
}
