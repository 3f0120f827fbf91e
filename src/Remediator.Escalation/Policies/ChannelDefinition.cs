namespace Remediator.Escalation.Policies;

/// <summary>
/// A named delivery channel from escalation.yaml. Secret settings hold the secret's <em>name</em>
/// only (resolved when a message is sent), so a definition can travel in messages and API answers.
/// </summary>
public sealed record ChannelDefinition
{
    public required string Name { get; init; }

    public required ChannelType Type { get; init; }

    /// <summary>Plain settings by key (e.g. <c>url</c>, <c>host</c>, <c>from</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings given as <c>{ secret: NAME }</c>: key to secret name.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>Email recipients.</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    public string? Setting(string key) => Settings.GetValueOrDefault(key);
}
