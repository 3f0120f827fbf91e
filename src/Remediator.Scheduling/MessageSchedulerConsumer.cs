using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling;

/// <summary>
/// The scheduler endpoint behind MassTransit's message-scheduler contract: stores each
/// <see cref="ScheduleMessage"/> as a durable timer and removes it on <see cref="CancelScheduledMessage"/>.
/// The <see cref="DueMessageDispatcher"/> sends it when due. This replaces RabbitMQ's delayed-message
/// exchange, which is not installed where Remediator runs.
/// </summary>
public sealed class MessageSchedulerConsumer(IScheduledMessageStore store, DurableConsumers consumers, OutboxMetrics metrics) :
    IConsumer<ScheduleMessage>,
    IConsumer<CancelScheduledMessage>,
    IConsumer<ScheduleRecurringMessage>
{
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;

        // The payload is re-serialized as a complete envelope carrying its own message types, so
        // the dispatcher can send it later without knowing its CLR type.
        var body = context.SerializerContext
            .GetMessageSerializer(message.Payload, message.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(message))
            .GetString();
        // The timer gets a message id of its own, kept with it: a duplicate send (after a crash between
        // send and delete) repeats it so receivers can tell, and it never collides with the request's id.
        var record = new ScheduledMessageRecord(
            message.CorrelationId,
            message.Destination,
            OutboxRecords.ToUtc(message.ScheduledTime),
            context.ReceiveContext.ContentType?.ToString() ?? SystemTextJsonMessageSerializer.JsonContentType.ToString(),
            body,
            new ScheduledMessageIdentity(NewId.NextGuid(), context.CorrelationId, context.ConversationId, context.InitiatorId, context.SourceAddress),
            OutboxRecords.CopyHeaders(context.Headers),
            consumers.ReceiptsFor(message.PayloadType));
        await store.ScheduleAsync(record, context.CancellationToken);

        // Counted when written: the unit of work around this consumer commits right after it returns.
        metrics.Written(message.PayloadType.FirstOrDefault() is { } urn ? OutboxMetrics.TypeName(urn) : nameof(ScheduleMessage), OutboxMetrics.TimerKind);
    }

    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Cancelling a timer that already fired (or never existed) is not an error: a saga
        // unschedules its timeouts without knowing whether they were sent.
        await store.CancelAsync(context.Message.TokenId, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ScheduleRecurringMessage> context) =>
        throw new NotSupportedException(
            "Remediator's scheduler only supports one-off scheduled messages (ScheduleSend); recurring schedules are not implemented.");
}
