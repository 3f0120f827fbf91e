using YamlDotNet.RepresentationModel;

namespace Remediator.Rules.Loading;

/// <summary>A YAML mapping whose keys were checked against the keys allowed where it appears.</summary>
internal sealed class YamlMap
{
    private readonly List<(string Key, YamlScalarNode KeyNode, YamlNode Value)> _entries;

    private readonly HashSet<string> _suggested;

    private YamlMap(YamlMappingNode node, string what, List<(string, YamlScalarNode, YamlNode)> entries, HashSet<string> suggested)
    {
        Node = node;
        What = what;
        _entries = entries;
        _suggested = suggested;
    }

    public YamlMappingNode Node { get; }

    /// <summary>Where the mapping sits, for messages: "rule 'x'", "target", "defaults".</summary>
    public string What { get; }

    public IReadOnlyList<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries => _entries;

    /// <summary>
    /// Reads <paramref name="node"/> as a mapping, reporting non-mappings and every key not in
    /// <paramref name="allowed"/> (with the closest allowed key as a hint). Unknown keys are dropped.
    /// </summary>
    public static YamlMap? Read(FileContext file, YamlNode node, string what, IReadOnlyCollection<string> allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            file.Error(node, $"{what} must be a mapping (key: value lines), found {YamlRead.Describe(node)}");
            return null;
        }

        var entries = new List<(string, YamlScalarNode, YamlNode)>();
        var suggested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalar)
            {
                file.Error(key, $"keys in {what} must be plain words, found {YamlRead.Describe(key)}");
                continue;
            }

            if (!allowed.Contains(name))
            {
                var close = Suggest.Closest(name, allowed);
                file.Error(key, $"unknown key '{name}' in {what}", close is null ? $"allowed keys: {string.Join(", ", allowed)}" : $"did you mean '{close}'?");
                if (close is not null)
                {
                    suggested.Add(close);
                }

                continue;
            }

            entries.Add((name, scalar, value));
        }

        return new YamlMap(mapping, what, entries, suggested);
    }

    public YamlNode? this[string key]
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (entry.Key == key)
                {
                    return YamlRead.IsNull(entry.Value) ? null : entry.Value;
                }
            }

            return null;
        }
    }

    public bool Has(string key) => this[key] is not null;

    /// <summary>True when an unknown key here was reported as a likely typo of <paramref name="key"/>, so its absence needs no second error.</summary>
    public bool Suggested(string key) => _suggested.Contains(key);

    public YamlNode? Required(FileContext file, string key, string? hint = null)
    {
        var value = this[key];
        if (value is null && !Suggested(key))
        {
            file.Error(Node, $"{What} is missing required key '{key}'", hint);
        }

        return value;
    }
}
