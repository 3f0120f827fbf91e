namespace Remediator.Escalation.Policies;

/// <summary>One step of a policy: who is paged, on which channels, and how long they have to acknowledge before the next tier.</summary>
public sealed record EscalationTier
{
    public required string Name { get; init; }

    public IReadOnlyList<ContactDefinition> Contacts { get; init; } = [];

    public required IReadOnlyList<ChannelDefinition> Channels { get; init; }

    /// <summary>Time before the next tier is paged; null on the last tier.</summary>
    public TimeSpan? EscalateAfter { get; init; }
}
