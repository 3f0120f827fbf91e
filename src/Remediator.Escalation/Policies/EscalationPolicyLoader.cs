using System.Text.RegularExpressions;
using Remediator.Escalation.Secrets;
using Remediator.Rules;
using Remediator.Rules.Actions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Remediator.Escalation.Policies;

/// <summary>
/// Reads and validates escalation.yaml. Like the rule loader it never throws for bad input and
/// reports every problem at once, each at the offending key or value.
/// </summary>
public static partial class EscalationPolicyLoader
{
    /// <summary>The policy file's name inside the rules directory; the rule loader leaves it alone.</summary>
    public const string FileName = "escalation.yaml";

    public static readonly IReadOnlyList<string> Severities = ["P1", "P2", "P3", "P4"];

    private static readonly string[] _topKeys = ["severity-defaults", "notify", "contacts", "channels", "policies"];
    private static readonly string[] _contactKeys = ["name", "role", "person", "phone", "email"];
    private static readonly string[] _policyKeys = ["name", "description", "respond-within", "tiers"];
    private static readonly string[] _tierKeys = ["name", "contacts", "channels", "escalate-after"];

    private static readonly Dictionary<ChannelType, SettingSpec[]> _settings = new()
    {
        [ChannelType.PagerDuty] = [new("routing-key", SettingKind.Secret, Required: true), new("url", SettingKind.Url)],
        [ChannelType.Slack] = [new("webhook-url", SettingKind.UrlOrSecret, Required: true)],
        [ChannelType.Teams] = [new("webhook-url", SettingKind.UrlOrSecret, Required: true)],
        [ChannelType.Opsgenie] = [new("api-key", SettingKind.Secret, Required: true), new("url", SettingKind.Url)],
        [ChannelType.Webhook] = [new("url", SettingKind.UrlOrSecret, Required: true), new("signing-secret", SettingKind.Secret)],
        [ChannelType.Email] =
        [
            new("to", SettingKind.Addresses, Required: true),
            new("from", SettingKind.Address, Required: true),
            new("host", SettingKind.Text, Required: true),
            new("port", SettingKind.Port),
            new("username", SettingKind.Text),
            new("password", SettingKind.Secret),
            new("starttls", SettingKind.Bool),
        ],
    };

    private enum SettingKind
    {
        Text,
        Url,
        Secret,
        UrlOrSecret,
        Port,
        Bool,
        Address,
        Addresses,
    }

    public static EscalationLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return Parse(path, File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new EscalationLoadResult(null, [new RuleDiagnostic(path, 1, 1, $"cannot read the file: {ex.Message}", "check the path and the file's permissions")]);
        }
    }

    public static EscalationLoadResult Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(path);
        var set = reader.Read(text);
        var diagnostics = reader.Diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
        return diagnostics.Count == 0 ? new EscalationLoadResult(set, []) : new EscalationLoadResult(null, diagnostics);
    }

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\z")]
    private static partial Regex AddressPattern();

    private sealed record NamedNode(string Value, YamlNode Node);

    private sealed record SettingSpec(string Key, SettingKind Kind, bool Required = false);

    private sealed class Reader(string path)
    {
        private readonly Dictionary<string, ContactDefinition> _contacts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ChannelDefinition> _channels = new(StringComparer.Ordinal);

        public List<RuleDiagnostic> Diagnostics { get; } = [];

        public EscalationPolicySet? Read(string text)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                Error(ex.Start, $"invalid YAML: {ex.Message}");
                return null;
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                return EscalationPolicySet.Empty;
            }

            if (stream.Documents.Count > 1)
            {
                Error(stream.Documents[1].RootNode, "the file holds more than one YAML document", "remove the '---' separator");
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(stream.Documents[0].RootNode, "the file must be a mapping with 'severity-defaults', 'notify', 'contacts', 'channels' and 'policies'");
                return null;
            }

            var keys = Keys(root, _topKeys, "the file");
            if (keys.TryGetValue("contacts", out var contacts))
            {
                foreach (var item in List(contacts, "contacts"))
                {
                    ReadContact(item);
                }
            }

            if (keys.TryGetValue("channels", out var channels))
            {
                foreach (var item in List(channels, "channels"))
                {
                    ReadChannel(item);
                }
            }

            var policies = new List<EscalationPolicy>();
            var policyNames = new Dictionary<string, Mark>(StringComparer.Ordinal);
            if (keys.TryGetValue("policies", out var policyNodes))
            {
                foreach (var item in List(policyNodes, "policies"))
                {
                    if (ReadPolicy(item, policyNames) is { } policy)
                    {
                        policies.Add(policy);
                    }
                }
            }

            var defaults = keys.TryGetValue("severity-defaults", out var defaultsNode) ? ReadDefaults(defaultsNode, policyNames) : new Dictionary<string, string>();
            var notify = keys.TryGetValue("notify", out var notifyNode) ? ChannelRefs(notifyNode, "notify") : [];
            return Diagnostics.Count == 0 ? new EscalationPolicySet(policies, [.. _channels.Values], defaults, [.. notify.Select(c => c.Name)]) : null;
        }

        private void ReadContact(YamlNode node)
        {
            if (Mapping(node, "a contact") is not { } map)
            {
                return;
            }

            var keys = Keys(map, _contactKeys, "a contact");
            var name = Name(keys, map, "contact");
            var role = Text(keys, "role");
            if (role is null)
            {
                Error(map, "a contact needs 'role'", "e.g. role: On-call engineer (primary)");
            }

            if (name is null || role is null)
            {
                return;
            }

            if (!_contacts.TryAdd(name.Value, new ContactDefinition { Name = name.Value, Role = role, Person = Text(keys, "person"), Phone = Text(keys, "phone"), Email = Text(keys, "email") }))
            {
                Error(name.Node, $"duplicate contact name '{name.Value}'");
            }
        }

        private void ReadChannel(YamlNode node)
        {
            if (Mapping(node, "a channel") is not { } map)
            {
                return;
            }

            var name = map.Children.TryGetValue(new YamlScalarNode("name"), out var nameNode) ? CheckName(nameNode, "channel") : null;
            if (name is null)
            {
                Error(map, "a channel needs 'name'");
            }

            ChannelType? type = null;
            if (!map.Children.TryGetValue(new YamlScalarNode("type"), out var typeNode))
            {
                Error(map, "a channel needs 'type'", "one of pagerduty, slack, teams, opsgenie, webhook, email");
            }
            else if (typeNode is YamlScalarNode { Value: { } typeText } && Enum.TryParse<ChannelType>(typeText, ignoreCase: true, out var parsed) && string.Equals(typeText, typeText.ToLowerInvariant(), StringComparison.Ordinal))
            {
                type = parsed;
            }
            else
            {
                Error(typeNode, $"unknown channel type {Describe(typeNode)}", Hint(typeNode, Enum.GetNames<ChannelType>().Select(n => n.ToLowerInvariant()), "one of pagerduty, slack, teams, opsgenie, webhook, email"));
            }

            if (type is null)
            {
                return;
            }

            var specs = _settings[type.Value];
            var allowed = specs.Select(s => s.Key).Prepend("type").Prepend("name").ToArray();
            var keys = Keys(map, allowed, $"a {type.Value.ToString().ToLowerInvariant()} channel");
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
            IReadOnlyList<string> to = [];
            foreach (var spec in specs)
            {
                if (!keys.TryGetValue(spec.Key, out var value))
                {
                    if (spec.Required)
                    {
                        Error(map, $"a {type.Value.ToString().ToLowerInvariant()} channel needs '{spec.Key}'", spec.Kind is SettingKind.Secret or SettingKind.UrlOrSecret ? $"{spec.Key}: {{ secret: NAME }}" : null);
                    }

                    continue;
                }

                if (spec.Kind == SettingKind.Addresses)
                {
                    to = ReadAddresses(value, spec.Key);
                }
                else if (ReadSecretRef(value) is { } secret)
                {
                    if (spec.Kind is SettingKind.Secret or SettingKind.UrlOrSecret)
                    {
                        secrets[spec.Key] = secret;
                    }
                    else
                    {
                        Error(value, $"'{spec.Key}' is not a secret; give its value directly");
                    }
                }
                else if (spec.Kind == SettingKind.Secret)
                {
                    Error(value, $"'{spec.Key}' is a credential and must be given as a secret reference", $"{spec.Key}: {{ secret: NAME }}, resolved from configuration ({SecretResolver.SectionName}:NAME), the environment ({SecretResolver.EnvironmentPrefix}NAME) or the secrets directory");
                }
                else if (ReadSetting(value, spec) is { } text)
                {
                    settings[spec.Key] = text;
                }
            }

            if (name is not null && !_channels.TryAdd(name.Value, new ChannelDefinition { Name = name.Value, Type = type.Value, Settings = settings, Secrets = secrets, To = to }))
            {
                Error(name.Node, $"duplicate channel name '{name.Value}'");
            }
        }

        private string? ReadSetting(YamlNode node, SettingSpec spec)
        {
            if (node is not YamlScalarNode { Value: { Length: > 0 } value })
            {
                Error(node, $"'{spec.Key}' must be a single value, found {Describe(node)}");
                return null;
            }

            var valid = spec.Kind switch
            {
                SettingKind.Url or SettingKind.UrlOrSecret => RequestPaths.TryParseHttpUrl(value, out _),
                SettingKind.Port => int.TryParse(value, out var port) && port is > 0 and <= 65535,
                SettingKind.Bool => value is "true" or "false",
                SettingKind.Address => AddressPattern().IsMatch(value),
                _ => true,
            };
            if (!valid)
            {
                var expected = spec.Kind switch
                {
                    SettingKind.Url or SettingKind.UrlOrSecret => "an absolute http(s) URL without credentials",
                    SettingKind.Port => "a port between 1 and 65535",
                    SettingKind.Bool => "true or false",
                    _ => "an email address",
                };
                Error(node, $"'{spec.Key}' must be {expected}, found '{value}'");
                return null;
            }

            return value;
        }

        private List<string> ReadAddresses(YamlNode node, string key)
        {
            var addresses = new List<string>();
            var items = node is YamlSequenceNode ? List(node, key) : [node];
            foreach (var item in items)
            {
                if (item is YamlScalarNode { Value: { } value } && AddressPattern().IsMatch(value))
                {
                    addresses.Add(value);
                }
                else
                {
                    Error(item, $"'{key}' must list email addresses, found {Describe(item)}");
                }
            }

            if (addresses.Count == 0 && items.Count == 0)
            {
                Error(node, $"'{key}' needs at least one address");
            }

            return addresses;
        }

        /// <summary>A <c>{ secret: NAME }</c> mapping's name, or null when the node is not one (reported when malformed).</summary>
        private string? ReadSecretRef(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                return null;
            }

            var keys = Keys(map, ["secret"], "a secret reference");
            if (!keys.TryGetValue("secret", out var nameNode))
            {
                Error(map, "a secret reference needs 'secret'", "{ secret: NAME }");
                return null;
            }

            if (nameNode is YamlScalarNode { Value: { } name } && SecretNamePattern().IsMatch(name))
            {
                return name;
            }

            Error(nameNode, $"bad secret name {Describe(nameNode)}", "letters, digits, '.', '_' and '-'");
            return null;
        }

        private EscalationPolicy? ReadPolicy(YamlNode node, Dictionary<string, Mark> names)
        {
            if (Mapping(node, "a policy") is not { } map)
            {
                return null;
            }

            var keys = Keys(map, _policyKeys, "a policy");
            var name = Name(keys, map, "policy");
            if (name is not null && !names.TryAdd(name.Value, name.Node.Start))
            {
                Error(name.Node, $"duplicate policy name '{name.Value}', first defined at {path}:{names[name.Value].Line}:{names[name.Value].Column}");
            }

            var respond = keys.TryGetValue("respond-within", out var respondNode) ? Duration(respondNode, "respond-within") : null;
            var tiers = new List<EscalationTier>();
            if (!keys.TryGetValue("tiers", out var tierNodes))
            {
                Error(map, "a policy needs 'tiers'", "at least one tier: name, contacts, channels, escalate-after");
            }
            else
            {
                var items = List(tierNodes, "tiers");
                if (items.Count == 0)
                {
                    Error(tierNodes, "a policy needs at least one tier");
                }

                var tierNames = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < items.Count; i++)
                {
                    if (ReadTier(items[i], isLast: i == items.Count - 1) is { } tier)
                    {
                        if (!tierNames.Add(tier.Name))
                        {
                            Error(items[i], $"duplicate tier name '{tier.Name}' in policy '{name?.Value}'");
                        }

                        tiers.Add(tier);
                    }
                }
            }

            return name is null ? null : new EscalationPolicy { Name = name.Value, Description = Text(keys, "description"), RespondWithin = respond, Tiers = tiers };
        }

        private EscalationTier? ReadTier(YamlNode node, bool isLast)
        {
            if (Mapping(node, "a tier") is not { } map)
            {
                return null;
            }

            var keys = Keys(map, _tierKeys, "a tier");
            var name = Name(keys, map, "tier");
            var contacts = new List<ContactDefinition>();
            if (keys.TryGetValue("contacts", out var contactNodes))
            {
                foreach (var item in List(contactNodes, "contacts"))
                {
                    if (item is YamlScalarNode { Value: { } contactName } && _contacts.TryGetValue(contactName, out var contact))
                    {
                        contacts.Add(contact);
                    }
                    else
                    {
                        Error(item, $"unknown contact {Describe(item)}", Hint(item, _contacts.Keys, "define it under 'contacts:'"));
                    }
                }
            }

            List<ChannelDefinition> channels = [];
            if (!keys.TryGetValue("channels", out var channelNodes))
            {
                Error(map, "a tier needs 'channels'", "the names of channels defined under 'channels:'");
            }
            else
            {
                channels = ChannelRefs(channelNodes, "channels");
                if (channels.Count == 0 && List(channelNodes, "channels").Count == 0)
                {
                    Error(channelNodes, "a tier needs at least one channel");
                }
            }

            TimeSpan? after = null;
            if (keys.TryGetValue("escalate-after", out var afterNode))
            {
                after = Duration(afterNode, "escalate-after");
                if (isLast)
                {
                    Error(afterNode, "the last tier has no next tier to escalate to", "remove 'escalate-after' or add a tier after it");
                }
            }
            else if (!isLast)
            {
                Error(map, "a tier before the last needs 'escalate-after'", "how long this tier has to acknowledge before the next is paged, e.g. escalate-after: 1h (0 pages the next tier at once)");
            }

            return name is null ? null : new EscalationTier { Name = name.Value, Contacts = contacts, Channels = channels, EscalateAfter = after };
        }

        private Dictionary<string, string> ReadDefaults(YamlNode node, Dictionary<string, Mark> policyNames)
        {
            var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Mapping(node, "'severity-defaults'") is not { } map)
            {
                return defaults;
            }

            foreach (var (key, value) in Keys(map, Severities, "'severity-defaults'"))
            {
                if (value is YamlScalarNode { Value: { } policy } && policyNames.ContainsKey(policy))
                {
                    defaults[key] = policy;
                }
                else
                {
                    Error(value, $"unknown policy {Describe(value)} for {key}", Hint(value, policyNames.Keys, "define it under 'policies:'"));
                }
            }

            foreach (var severity in Severities.Where(s => !defaults.ContainsKey(s) && !map.Children.ContainsKey(new YamlScalarNode(s))))
            {
                Error(map, $"'severity-defaults' has no policy for {severity}", "every severity needs a default: rules that name no policy use it");
            }

            return defaults;
        }

        private List<ChannelDefinition> ChannelRefs(YamlNode node, string key)
        {
            var channels = new List<ChannelDefinition>();
            foreach (var item in List(node, key))
            {
                if (item is YamlScalarNode { Value: { } channelName } && _channels.TryGetValue(channelName, out var channel))
                {
                    channels.Add(channel);
                }
                else
                {
                    Error(item, $"unknown channel {Describe(item)}", Hint(item, _channels.Keys, "define it under 'channels:'"));
                }
            }

            return channels;
        }

        private TimeSpan? Duration(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: { } text } && PromDuration.TryParse(text, out var value))
            {
                return value;
            }

            Error(node, $"'{key}' is not a valid duration: {Describe(node)}", "use Prometheus durations such as 0, 15m, 1h, 1d");
            return null;
        }

        private NamedNode? Name(Dictionary<string, YamlNode> keys, YamlMappingNode map, string what)
        {
            if (!keys.TryGetValue("name", out var node))
            {
                Error(map, $"a {what} needs 'name'");
                return null;
            }

            return CheckName(node, what);
        }

        private NamedNode? CheckName(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { } value } && NamePattern().IsMatch(value))
            {
                return new NamedNode(value, node);
            }

            Error(node, $"bad {what} name {Describe(node)}", "lower-case letters, digits and '-', starting and ending with a letter or digit");
            return null;
        }

        private string? Text(Dictionary<string, YamlNode> keys, string key)
        {
            if (!keys.TryGetValue(key, out var node))
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } value })
            {
                return value;
            }

            Error(node, $"'{key}' must be a single value, found {Describe(node)}");
            return null;
        }

        private YamlMappingNode? Mapping(YamlNode node, string what)
        {
            if (node is YamlMappingNode map)
            {
                return map;
            }

            Error(node, $"{what} must be a mapping, found {Describe(node)}");
            return null;
        }

        private List<YamlNode> List(YamlNode node, string key)
        {
            if (node is YamlSequenceNode sequence)
            {
                return [.. sequence.Children];
            }

            if (node is YamlScalarNode { Value: null or "" })
            {
                return [];
            }

            Error(node, $"'{key}' must be a list, found {Describe(node)}");
            return [];
        }

        /// <summary>The mapping's keys; unknown ones are reported with the closest known key as a hint.</summary>
        private Dictionary<string, YamlNode> Keys(YamlMappingNode map, IReadOnlyList<string> allowed, string what)
        {
            var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(key))
                {
                    Error(keyNode, $"unknown key '{key}' in {what}", Hint(keyNode, allowed, $"known keys: {string.Join(", ", allowed)}"));
                }
                else if (!keys.TryAdd(key, value))
                {
                    Error(keyNode, $"duplicate key '{key}' in {what}");
                }
            }

            return keys;
        }

        private static string Hint(YamlNode node, IEnumerable<string> candidates, string fallback)
        {
            var word = (node as YamlScalarNode)?.Value ?? "";
            var closest = candidates
                .Select(candidate => (candidate, distance: Distance(word, candidate)))
                .Where(x => x.distance <= Math.Max(1, x.candidate.Length / 3))
                .OrderBy(x => x.distance)
                .Select(x => x.candidate)
                .FirstOrDefault();
            return closest is null ? fallback : $"did you mean '{closest}'?";
        }

        private static int Distance(string a, string b)
        {
            var previous = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var current = new int[b.Length + 1];
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                previous = current;
            }

            return previous[b.Length];
        }

        private static string Describe(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode { Value: null or "" } => "nothing",
            YamlScalarNode s => $"'{s.Value}'",
            _ => "an alias",
        };

        private void Error(YamlNode node, string message, string? hint = null) => Error(node.Start, message, hint);

        private void Error(Mark mark, string message, string? hint = null) =>
            Diagnostics.Add(new RuleDiagnostic(path, Math.Max((int)mark.Line, 1), Math.Max((int)mark.Column, 1), message, hint));
    }
}
