using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Turns an outgoing message into a row of the durable message table: the complete serialized
/// envelope with its ids, due now (an outbox message is a timer that is due at once).
/// </summary>
internal static class OutboxRecords
{
    private static readonly ConcurrentDictionary<Type, Func<object, Uri, DateTimeOffset, DurableConsumers, ScheduledMessageRecord>> _payloadRecords = new();

    /// <summary>The W3C trace parent of the span that sent the message, kept so delivery continues its trace.</summary>
    public const string TraceParentHeader = "Remediator-Outbox-TraceParent";

    /// <summary>
    /// Continues the trace of the span that sent <paramref name="message"/> while it is delivered
    /// (the dispatcher runs outside any request), so the webhook, the bus and the Kubernetes calls
    /// stay one trace. Null when the message carries none.
    /// </summary>
    public static Activity? ResumeTrace(ScheduledMessageRecord message) =>
        message.Headers.TryGetValue(TraceParentHeader, out var parent)
            ? new Activity("outbox deliver").SetParentId(parent).Start()
            : null;

    public static ScheduledMessageRecord From<T>(SendContext<T> context, DateTimeOffset now, DurableConsumers consumers)
        where T : class
    {
        var destination = context.DestinationAddress
            ?? throw new InvalidOperationException($"A {typeof(T).Name} sent through the outbox has no destination address.");
        var messageId = context.MessageId ??= NewId.NextGuid();
        return new ScheduledMessageRecord(
            // A routing slip's row is found by its tracking number, which the saga keeps: until the
            // row is sent, the slip is in flight (the reconciler asks, IsArmedAsync).
            context.Message is MassTransit.Courier.Contracts.RoutingSlip slip ? slip.TrackingNumber : NewId.NextGuid(),
            destination,
            now + (context.Delay ?? TimeSpan.Zero),
            context.ContentType?.ToString() ?? SystemTextJsonMessageSerializer.JsonContentType.ToString(),
            context.Serializer.GetMessageBody(context).GetString(),
            new ScheduledMessageIdentity(messageId, context.CorrelationId, context.ConversationId, context.InitiatorId, context.SourceAddress),
            CopyHeaders(context.Headers),
            consumers.ReceiptsFor(context.SupportedMessageTypes));
    }

    /// <summary>A message the engine itself originates (outside any consumer), as the bus would serialize it.</summary>
    public static ScheduledMessageRecord From<T>(T message, Uri destination, DateTimeOffset now, DurableConsumers consumers)
        where T : class
    {
        var context = new MessageSendContext<T>(message)
        {
            DestinationAddress = destination,
            MessageId = NewId.NextGuid(),
            ConversationId = NewId.NextGuid(),
            Serializer = SystemTextJsonMessageSerializer.Instance,
        };
        return From<T>(context, now, consumers);
    }

    /// <summary>
    /// A timer the engine arms itself under a token a state machine already keeps (the dispatcher
    /// sends the token with it), so the state machine takes it for the one it scheduled.
    /// </summary>
    public static ScheduledMessageRecord Timer<T>(T message, Uri destination, DateTimeOffset dueAt, Guid tokenId, DurableConsumers consumers)
        where T : class =>
        From(message, destination, dueAt, consumers) with { TokenId = tokenId };

    /// <summary>
    /// The timer a <see cref="ScheduleMessage"/> asks for (what a state machine's <c>Schedule</c>
    /// sends), as the <see cref="MessageSchedulerConsumer"/> would store it: the payload's own
    /// envelope under the request's token, due at its scheduled time, with the request's ids and headers.
    /// </summary>
    public static ScheduledMessageRecord Timer(ScheduleMessage schedule, SendContext request, DurableConsumers consumers)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(request);
        var payload = _payloadRecords.GetOrAdd(schedule.Payload.GetType(), static type =>
            typeof(OutboxRecords).GetMethod(nameof(PayloadRecord), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type)
                .CreateDelegate<Func<object, Uri, DateTimeOffset, DurableConsumers, ScheduledMessageRecord>>());
        return payload(schedule.Payload, schedule.Destination, ToUtc(schedule.ScheduledTime), consumers) with
        {
            TokenId = schedule.CorrelationId,
            Identity = new ScheduledMessageIdentity(NewId.NextGuid(), request.CorrelationId, request.ConversationId, request.InitiatorId, request.SourceAddress),
            Headers = CopyHeaders(request.Headers),
        };
    }

    /// <summary>A scheduler's time as UTC (MassTransit hands it over as a <see cref="DateTime"/> of any kind).</summary>
    public static DateTimeOffset ToUtc(DateTime scheduledTime) =>
        scheduledTime.Kind == DateTimeKind.Local
            ? new DateTimeOffset(scheduledTime.ToUniversalTime(), TimeSpan.Zero)
            : new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc), TimeSpan.Zero);

    // The payload is serialized as its own type, so its envelope names the message types its consumers bind to.
    private static ScheduledMessageRecord PayloadRecord<T>(object payload, Uri destination, DateTimeOffset dueAt, DurableConsumers consumers)
        where T : class =>
        From((T)payload, destination, dueAt, consumers);

    /// <summary>Keeps the headers with simple values; complex values cannot round-trip through the store faithfully.</summary>
    public static Dictionary<string, string> CopyHeaders(Headers headers)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            copy[TraceParentHeader] = traceParent;
        }

        foreach (var (key, value) in headers.GetAll())
        {
            var text = value switch
            {
                string s => s,
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                _ => null,
            };
            if (text is not null)
            {
                copy[key] = text;
            }
        }

        return copy;
    }
}
