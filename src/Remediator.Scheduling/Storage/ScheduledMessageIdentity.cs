namespace Remediator.Scheduling.Storage;

/// <summary>The ids and addresses of the scheduling request, restored on the message when it is sent.</summary>
public sealed record ScheduledMessageIdentity(
    Guid? MessageId,
    Guid? CorrelationId,
    Guid? ConversationId,
    Guid? InitiatorId,
    Uri? SourceAddress);
