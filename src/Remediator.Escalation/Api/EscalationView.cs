using Remediator.Contracts;

namespace Remediator.Escalation.Api;

/// <summary>An escalation as the API shows it: channels by name only (never a secret or a URL).</summary>
public sealed record EscalationView
{
    public required Guid RemediationId { get; init; }

    public required string State { get; init; }

    public string? Policy { get; init; }

    public string? Severity { get; init; }

    /// <summary>The tier paged last, 1-based as people count; 0 before the first.</summary>
    public int Tier { get; init; }

    public IReadOnlyList<EscalationTierView> Tiers { get; init; } = [];

    public DateTimeOffset? NextTierAt { get; init; }

    public IReadOnlyList<string> ChannelsTold { get; init; } = [];

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? Resolution { get; init; }

    public IReadOnlyList<RemediationTimelineEntry> Timeline { get; init; } = [];

    public static EscalationView From(EscalationState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return new EscalationView
        {
            RemediationId = saga.CorrelationId,
            State = saga.CurrentState,
            Policy = saga.Policy,
            Severity = saga.Notice?.Severity,
            Tier = saga.Tier + 1,
            Tiers = [.. saga.Tiers.Select(tier => new EscalationTierView(tier.Name, [.. tier.Contacts.Select(c => c.ToString())], [.. tier.Channels.Select(c => c.Name)], tier.EscalateAfter))],
            NextTierAt = saga.NextTierAt,
            ChannelsTold = saga.ChannelsTold,
            AcknowledgedBy = saga.AcknowledgedBy,
            AcknowledgedAt = saga.AcknowledgedAt,
            ResolvedAt = saga.ResolvedAt,
            Resolution = saga.Resolution,
            Timeline = saga.Timeline,
        };
    }
}

/// <summary>One tier: who, which channels (by name), and its wait before the next.</summary>
public sealed record EscalationTierView(string Name, IReadOnlyList<string> Contacts, IReadOnlyList<string> Channels, TimeSpan? EscalateAfter);
