using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// A message a commit of this process wrote already claimed (<see cref="IScheduledMessageStore.ScheduleClaimedAsync"/>),
/// handed to the dispatcher in memory: it may send it without a claim statement while the lease holds.
/// </summary>
public sealed record HandedOverMessage(ClaimedScheduledMessage Claimed, DateTimeOffset LeaseUntil);
