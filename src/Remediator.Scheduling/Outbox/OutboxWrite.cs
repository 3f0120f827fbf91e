using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Outbox;

/// <summary>One change a handler makes to the durable message table, in the order it made it.</summary>
internal abstract record OutboxWrite;

/// <summary>A message (<see cref="OutboxMetrics.MessageKind"/>) or a timer (<see cref="OutboxMetrics.TimerKind"/>) to store.</summary>
internal sealed record OutboxInsert(ScheduledMessageRecord Record, string MessageType, string Kind) : OutboxWrite;

/// <summary>A timer to remove (a state machine's <c>Unschedule</c>, or the previous token of a <c>Schedule</c>).</summary>
internal sealed record OutboxCancel(Guid TokenId) : OutboxWrite;
