namespace Remediator.Scheduling.Storage;

/// <summary>
/// A due message reserved for one dispatcher until its lease expires; <paramref name="ClaimId"/>
/// proves the reservation when the message is completed or released.
/// </summary>
public sealed record ClaimedScheduledMessage(ScheduledMessageRecord Message, Guid ClaimId);
