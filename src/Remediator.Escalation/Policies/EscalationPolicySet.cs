namespace Remediator.Escalation.Policies;

/// <summary>
/// Every policy, channel and contact of escalation.yaml, immutable (a reload builds a new set).
/// A remediation's policy is the one its rule names, else its severity's default.
/// </summary>
public sealed class EscalationPolicySet
{
    public static readonly EscalationPolicySet Empty = new([], [], new Dictionary<string, string>(), []);

    private readonly Dictionary<string, EscalationPolicy> _policies;
    private readonly Dictionary<string, ChannelDefinition> _channels;

    public EscalationPolicySet(
        IReadOnlyList<EscalationPolicy> policies,
        IReadOnlyList<ChannelDefinition> channels,
        IReadOnlyDictionary<string, string> severityDefaults,
        IReadOnlyList<string> notifyChannels)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(channels);
        Policies = policies;
        Channels = channels;
        SeverityDefaults = severityDefaults;
        NotifyChannels = notifyChannels;
        _policies = policies.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<EscalationPolicy> Policies { get; }

    public IReadOnlyList<ChannelDefinition> Channels { get; }

    /// <summary>Severity (P1..P4) to the policy used when a rule names none.</summary>
    public IReadOnlyDictionary<string, string> SeverityDefaults { get; }

    /// <summary>Channels a rule's <c>notify</c> step reaches when it names none.</summary>
    public IReadOnlyList<string> NotifyChannels { get; }

    public EscalationPolicy? Find(string name) => _policies.GetValueOrDefault(name);

    public ChannelDefinition? FindChannel(string name) => _channels.GetValueOrDefault(name);

    /// <summary>The rule's policy when it exists, else the severity's default; <paramref name="note"/> says why when the named one was not used.</summary>
    public EscalationPolicy? Resolve(string? policyName, string severity, out string? note)
    {
        note = null;
        if (policyName is not null)
        {
            if (Find(policyName) is { } named)
            {
                return named;
            }

            note = $"escalation policy '{policyName}' is not defined";
        }

        if (SeverityDefaults.TryGetValue(severity, out var fallback) && Find(fallback) is { } byDefault)
        {
            note = note is null ? null : $"{note}; using {severity}'s default '{byDefault.Name}'";
            return byDefault;
        }

        note = note is null ? $"no escalation policy for severity {severity}" : $"{note}, and severity {severity} has no default";
        return null;
    }
}
