namespace Remediator.Scheduling.Storage;

/// <summary>
/// The ids put on the message when it is sent: its own <paramref name="MessageId"/> (the same on every
/// send of one timer) and the scheduling request's correlation, conversation, initiator and source.
/// </summary>
public sealed record ScheduledMessageIdentity(
    Guid? MessageId,
    Guid? CorrelationId,
    Guid? ConversationId,
    Guid? InitiatorId,
    Uri? SourceAddress);
