using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Tests.Shared;

namespace Remediator.Intake.Tests.Fuzzing;

/// <summary>
/// Structure-aware mutations of a JSON document: a random member or element gets a wrong type,
/// a huge or odd value, deep nesting, a duplicate, or disappears. Text no serializer would write
/// (duplicate keys, numbers beyond double, nesting past the writer's depth) is spliced in after
/// serializing, in place of a marker string.
/// </summary>
internal static class JsonMutator
{
    private const string MarkerPrefix = "\u0001raw-";

    private const int MaxSpliceBytes = 2 * 1024 * 1024;

    /// <summary>Valid JSON escapes no .NET string can hold, and escapes of control characters.</summary>
    private static readonly string[] _oddEscapes =
    [
        "\"\\ud800\"", "\"x\\udc00y\"", "\"\\udbff\\udbff\"", "\"\\u0000\"", "\"\\u001f\\u007f\"", "\"\\uFFFF\"",
    ];

    private static readonly string[] _oddStrings =
    [
        "",
        " ",
        "\u0000",
        "a\u0000b",
        "\u001b[31mred\u001b[0m",
        "line\nbreak\r\ttab",
        "😀",
        "\u202Eevil",
        "a\u200Bb",
        "e\u0301",
        "ラベル",
        "\uFEFF",
        "\uFFFD",
        "Firing",
        "FIRING",
        "resolved ",
        "4 ",
        "04",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+01:00",
        "2026-11-21T24:00:00Z",
        "2016-12-31T23:59:60Z",
        "2026-11-21T10:00:00.1234567891234Z",
        "2026-11-21T10:00:00+25:00",
        "2026-11-21 10:00:00Z",
        "{{ $labels.namespace }}",
        "../../etc/passwd",
        "'; DROP TABLE remediation_sagas; --",
        "${jndi:ldap://x}",
    ];

    private static readonly string[] _oddNumbers =
    [
        "0", "-0", "-1", "1.5", "1e400", "-1e400", "1E-400", "2147483647", "2147483648",
        "9223372036854775808", "123456789012345678901234567890", "0.0000000000000000000001",
    ];

    private static readonly string[] _labelNames =
    [
        "ラベル", "😀", "a.b-c/d", "", " ", "a\u200Bb", "\u202Eevil", "e\u0301", "__name__", "0digit", "alertname\u0000", "ALERTNAME",
    ];

    private static readonly (string Name, Func<Random, JsonNode, Splice?> Apply)[] _mutations =
    [
        ("remove a member or element", RemoveOne),
        ("wrong type", (random, root) => Replace(random, root, WrongType(random))),
        ("odd string", (random, root) => Replace(random, root, JsonValue.Create(ByteMutator.Pick(random, _oddStrings)))),
        ("odd escape", (random, root) => ReplaceRaw(random, root, ByteMutator.Pick(random, _oddEscapes))),
        ("number out of range", (random, root) => ReplaceRaw(random, root, ByteMutator.Pick(random, _oddNumbers))),
        ("huge string", (random, root) => Replace(random, root, JsonValue.Create(new string('x', random.Next(1, 4) * 100_000)))),
        ("huge array", HugeArray),
        ("many alerts", ManyAlerts),
        ("deep nesting", (random, root) => ReplaceRaw(random, root, Nest(random.Next(2) == 0 ? 8 : random.Next(10, 5_000), random.Next(2) == 0))),
        ("duplicate key", DuplicateKey),
        ("odd label name", OddLabelName),
    ];

    /// <summary>A fragment of JSON text that replaces the marker once the tree is written.</summary>
    private sealed record Splice(string Marker, string Raw);

    /// <summary>Applies one random structural mutation and returns the document as UTF-8.</summary>
    public static (string Name, byte[] Output) Mutate(Random random, JsonNode document)
    {
        var root = document.DeepClone();
        var (name, apply) = _mutations[random.Next(_mutations.Length)];
        var splice = apply(random, root);
        var text = root.ToJsonString();
        if (splice is not null)
        {
            text = text.Replace(JsonSerializer.Serialize(splice.Marker), splice.Raw, StringComparison.Ordinal);
        }

        return (name, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Every node below the root with the container holding it.</summary>
    private static List<JsonNode> Nodes(JsonNode root)
    {
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                    {
                        if (child is not null)
                        {
                            nodes.Add(child);
                        }

                        Walk(child);
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        if (child is not null)
                        {
                            nodes.Add(child);
                        }

                        Walk(child);
                    }

                    break;
            }
        }

        Walk(root);
        return nodes;
    }

    private static Splice? Replace(Random random, JsonNode root, JsonNode? replacement)
    {
        var nodes = Nodes(root);
        if (nodes.Count == 0)
        {
            return null;
        }

        nodes[random.Next(nodes.Count)].ReplaceWith(replacement);
        return null;
    }

    private static Splice? ReplaceRaw(Random random, JsonNode root, string raw)
    {
        var marker = MarkerPrefix + random.Next().ToString(CultureInfo.InvariantCulture);
        Replace(random, root, JsonValue.Create(marker));
        return new Splice(marker, raw);
    }

    private static Splice? RemoveOne(Random random, JsonNode root)
    {
        var nodes = Nodes(root);
        if (nodes.Count == 0)
        {
            return null;
        }

        var node = nodes[random.Next(nodes.Count)];
        switch (node.Parent)
        {
            case JsonObject obj:
                obj.Remove(node.GetPropertyName());
                break;
            case JsonArray array:
                array.Remove(node);
                break;
        }

        return null;
    }

    private static JsonNode? WrongType(Random random) => random.Next(7) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-2, 3)),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => new JsonArray(),
        4 => new JsonObject(),
        5 => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1)),
        _ => new JsonObject { ["nested"] = new JsonObject { ["x"] = 1 } },
    };

    private static Splice? HugeArray(Random random, JsonNode root)
    {
        var count = random.Next(1, 5) * 25_000;
        var element = random.Next(3) switch
        {
            0 => "0",
            1 => "\"x\"",
            _ => "{}",
        };
        return ReplaceRaw(random, root, "[" + string.Join(',', Enumerable.Repeat(element, count)) + "]");
    }

    /// <summary>A valid group of many alerts: some fit the body limit and must all be published, some do not.</summary>
    private static Splice? ManyAlerts(Random random, JsonNode root)
    {
        if (root is not JsonObject { } payload || payload["alerts"] is not JsonArray { Count: > 0 } alerts)
        {
            return RemoveOne(random, root);
        }

        // Bounded so that a group of already huge alerts stays a few megabytes.
        var template = alerts[0]!.ToJsonString();
        var count = random.Next(2) == 0 ? random.Next(2, 200) : random.Next(1_000, 5_000);
        count = Math.Max(1, Math.Min(count, MaxSpliceBytes / Math.Max(1, template.Length)));
        var marker = MarkerPrefix + "alerts";
        payload["alerts"] = marker;
        return new Splice(marker, "[" + string.Join(',', Enumerable.Repeat(template, count)) + "]");
    }

    private static string Nest(int depth, bool arrays) =>
        arrays
            ? string.Concat(Enumerable.Repeat("[", depth)) + "1" + string.Concat(Enumerable.Repeat("]", depth))
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + string.Concat(Enumerable.Repeat("}", depth));

    private static Splice? DuplicateKey(Random random, JsonNode root)
    {
        var members = Nodes(root).Where(n => n.Parent is JsonObject).ToList();
        if (root is JsonObject top)
        {
            // The top-level members count twice: a second "status" or "alerts" is the interesting case.
            members.AddRange(top.Select(p => p.Value).OfType<JsonNode>());
        }

        if (members.Count == 0)
        {
            return null;
        }

        var node = members[random.Next(members.Count)];
        var name = node.GetPropertyName();
        var original = node.ToJsonString();
        var second = random.Next(2) == 0 ? original : (WrongType(random)?.ToJsonString() ?? "null");
        var marker = MarkerPrefix + "dup";
        node.ReplaceWith(JsonValue.Create(marker));
        return new Splice(marker, $"{original},{JsonSerializer.Serialize(name)}:{second}");
    }

    private static Splice? OddLabelName(Random random, JsonNode root)
    {
        var labelMaps = Nodes(root).OfType<JsonObject>()
            .Where(o => o.Parent is JsonObject && o.GetPropertyName() is "labels" or "annotations" or "groupLabels" or "commonLabels")
            .ToList();
        if (labelMaps.Count == 0)
        {
            return null;
        }

        var map = labelMaps[random.Next(labelMaps.Count)];
        var name = ByteMutator.Pick(random, _labelNames);
        if (!map.ContainsKey(name))
        {
            map[name] = ByteMutator.Pick(random, _oddStrings);
        }

        return null;
    }
}
