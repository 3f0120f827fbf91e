using MassTransit;
using Remediator.Contracts;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation;

/// <summary>
/// One escalation per remediation run (CorrelationId = RemediationId). The policy's tiers are
/// copied in when it starts, so a policy reload never changes an escalation in progress.
/// Collections are replaced, never mutated, so readers see a consistent snapshot.
/// </summary>
public sealed class EscalationState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    /// <summary>The remediation saga's id (one per rule and target): a later run of it that succeeds resolves this escalation.</summary>
    public Guid RemediationCorrelationId { get; set; }

    public EscalationNotice? Notice { get; set; }

    public string? Policy { get; set; }

    public IReadOnlyList<EscalationTier> Tiers { get; set; } = [];

    /// <summary>The tier paged last (0-based); -1 before the first.</summary>
    public int Tier { get; set; } = -1;

    /// <summary>When the next tier is due, while one is scheduled.</summary>
    public DateTimeOffset? NextTierAt { get; set; }

    public Guid? TierDueTokenId { get; set; }

    /// <summary>The alerts of the remediation: a resolved notification for any of them resolves the escalation.</summary>
    public IReadOnlyList<string> Fingerprints { get; set; } = [];

    /// <summary>Channels a page reached: they hear the acknowledgement and the resolution.</summary>
    public IReadOnlyList<string> ChannelsTold { get; set; } = [];

    /// <summary>Channels of the current tier whose page failed for good.</summary>
    public IReadOnlyList<string> DeadChannels { get; set; } = [];

    public DateTimeOffset StartedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? Resolution { get; set; }

    public IReadOnlyList<RemediationTimelineEntry> Timeline { get; set; } = [];

    public void Note(DateTimeOffset at, string reason) =>
        Timeline = [.. Timeline, new RemediationTimelineEntry { At = at, State = CurrentState, Reason = reason }];
}
