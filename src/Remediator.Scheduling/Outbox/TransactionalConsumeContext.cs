using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Scheduling;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// The consume context a consumer or saga sees behind the transactional outbox: everything it
/// publishes, sends or schedules is captured (MassTransit's outbox proxy routes it to
/// <see cref="AddSend{T}"/>) and written in the message's unit of work instead of being sent.
/// A <see cref="ScheduleMessage"/> or <see cref="CancelScheduledMessage"/> addressed to the
/// scheduler becomes the timer row itself (or its removal) in the same unit of work, rather than a
/// message to the <see cref="MessageSchedulerConsumer"/> that would write it in a transaction of its own.
/// </summary>
/// <remarks>
/// MassTransit's own outbox delivers from inside the consume filter and tracks that with the
/// members below; here delivery is the dispatcher's, after the commit, so they have nothing to do.
/// </remarks>
internal sealed class TransactionalConsumeContext<TMessage>(
    ConsumeContext<TMessage> context,
    OutboxConsumeOptions options,
    IServiceProvider provider,
    DurableConsumers consumers,
    DateTimeOffset now)
    : OutboxConsumeContextProxy<TMessage>(context, options, provider)
    where TMessage : class
{
    private readonly Lock _gate = new();
    private readonly List<OutboxWrite> _captured = [];

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => false;

    public override bool IsOutboxDelivered => false;

    public override int ReceiveCount => 1;

    public override long? LastSequenceNumber => null;

    /// <summary>What the handling sent, scheduled and unscheduled, in the order it did so.</summary>
    public IReadOnlyList<OutboxWrite> Captured
    {
        get
        {
            lock (_gate)
            {
                return [.. _captured];
            }
        }
    }

    public override Task AddSend<T>(SendContext<T> context)
    {
        OutboxWrite write = context.Message switch
        {
            ScheduleMessage schedule => new OutboxInsert(OutboxRecords.Timer(schedule, context, consumers), OutboxMetrics.TypeName(schedule.Payload.GetType()), OutboxMetrics.TimerKind),
            CancelScheduledMessage cancel => new OutboxCancel(cancel.TokenId),
            _ => new OutboxInsert(OutboxRecords.From(context, now, consumers), OutboxMetrics.TypeName(typeof(T)), OutboxMetrics.MessageKind),
        };
        lock (_gate)
        {
            _captured.Add(write);
        }

        return Task.CompletedTask;
    }

    public override Task SetConsumed() => Task.CompletedTask;

    public override Task SetDelivered() => Task.CompletedTask;

    public override Task<List<OutboxMessageContext>> LoadOutboxMessages() => Task.FromResult(new List<OutboxMessageContext>());

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => Task.CompletedTask;

    public override Task RemoveOutboxMessages() => Task.CompletedTask;
}
