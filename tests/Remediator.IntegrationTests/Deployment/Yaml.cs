using System.Text;
using Remediator.IntegrationTests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Remediator.IntegrationTests.Deployment;

/// <summary>
/// YAML configuration files read as plain trees: mappings are <c>Dictionary&lt;object, object&gt;</c>,
/// sequences <c>List&lt;object&gt;</c>, scalars strings (numbers and booleans too, as written).
/// The accessors assert with Shouldly, so a missing key fails with the key's name.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer _deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document of a file (Kubernetes manifests hold several, separated by <c>---</c>).</summary>
    public static List<Dictionary<object, object>> Documents(string relativePath) =>
        DocumentsOf(File.ReadAllText(RepositoryLayout.PathOf(relativePath)));

    public static List<Dictionary<object, object>> DocumentsOf(string text)
    {
        var documents = new List<Dictionary<object, object>>();
        using var reader = new StringReader(text);
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (_deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static Dictionary<object, object> Document(string relativePath) => Documents(relativePath).ShouldHaveSingleItem();

    public static Dictionary<object, object> Map(this Dictionary<object, object> parent, string key)
    {
        parent.ShouldContainKey(key);
        return parent[key].ShouldBeOfType<Dictionary<object, object>>($"'{key}' is not a mapping");
    }

    public static List<object> Seq(this Dictionary<object, object> parent, string key)
    {
        parent.ShouldContainKey(key);
        return parent[key].ShouldBeOfType<List<object>>($"'{key}' is not a sequence");
    }

    public static List<Dictionary<object, object>> Maps(this Dictionary<object, object> parent, string key) =>
        [.. parent.Seq(key).Select(item => item.ShouldBeOfType<Dictionary<object, object>>())];

    public static List<string> Strings(this Dictionary<object, object> parent, string key) =>
        [.. parent.Seq(key).Select(item => item.ShouldBeOfType<string>())];

    public static string Str(this Dictionary<object, object> parent, string key)
    {
        parent.ShouldContainKey(key);
        return parent[key].ShouldBeOfType<string>($"'{key}' is not a scalar");
    }

    /// <summary>The node at a path of mapping keys, or null where the path ends early.</summary>
    public static object? At(this Dictionary<object, object> root, params string[] path)
    {
        object? node = root;
        foreach (var key in path)
        {
            node = node is Dictionary<object, object> mapping && mapping.TryGetValue(key, out var child) ? child : null;
        }

        return node;
    }

    /// <summary>A canonical text of a tree (mapping keys sorted), for comparing two trees as a whole.</summary>
    public static string Canonical(object? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(object? node, StringBuilder text)
    {
        switch (node)
        {
            case Dictionary<object, object> mapping:
                text.Append('{');
                foreach (var (key, value) in mapping.OrderBy(pair => (string)pair.Key, StringComparer.Ordinal))
                {
                    text.Append(key).Append(": ");
                    Write(value, text);
                    text.Append(", ");
                }

                text.Append('}');
                break;
            case List<object> sequence:
                text.Append('[');
                foreach (var item in sequence)
                {
                    Write(item, text);
                    text.Append(", ");
                }

                text.Append(']');
                break;
            default:
                text.Append('"').Append(node).Append('"');
                break;
        }
    }
}
