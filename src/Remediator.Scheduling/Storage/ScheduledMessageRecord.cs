namespace Remediator.Scheduling.Storage;

/// <summary>
/// One timer: the message to send to <paramref name="Destination"/> once <paramref name="DueAt"/> has
/// passed, kept as the serialized envelope (with its message types) so that any message type can be
/// stored without the scheduler knowing it.
/// </summary>
/// <param name="TokenId">The scheduling token (<c>ScheduleMessage.CorrelationId</c>); cancelling uses it.</param>
/// <param name="Destination">Where the message goes when due.</param>
/// <param name="DueAt">When it is due, in UTC.</param>
/// <param name="ContentType">The envelope's content type, picking the deserializer at send time.</param>
/// <param name="Body">The serialized envelope of the payload.</param>
/// <param name="Identity">The scheduling request's ids, restored on the sent message.</param>
/// <param name="Headers">The scheduling request's headers, sent with the message.</param>
/// <param name="ReceiptsPending">
/// How many durable consumers must still acknowledge the message before its row may go. Zero on a
/// durable broker (the row goes once the broker confirmed it); on the in-memory transport, whose
/// queues die with the process, the row stays until each consumer committed its handling.
/// </param>
public sealed record ScheduledMessageRecord(
    Guid TokenId,
    Uri Destination,
    DateTimeOffset DueAt,
    string ContentType,
    string Body,
    ScheduledMessageIdentity Identity,
    IReadOnlyDictionary<string, string> Headers,
    int ReceiptsPending = 0);
