using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// The consume context a consumer or saga sees behind the transactional outbox: everything it
/// publishes, sends or schedules is captured (MassTransit's outbox proxy routes it to
/// <see cref="AddSend{T}"/>) and written in the message's unit of work instead of being sent.
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
    private readonly List<(ScheduledMessageRecord Record, string MessageType)> _captured = [];

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => false;

    public override bool IsOutboxDelivered => false;

    public override int ReceiveCount => 1;

    public override long? LastSequenceNumber => null;

    /// <summary>What the handling sent, in the order it sent it, with each message's type (for <see cref="OutboxMetrics"/>).</summary>
    public IReadOnlyList<(ScheduledMessageRecord Record, string MessageType)> Captured
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
        var record = OutboxRecords.From(context, now, consumers);
        lock (_gate)
        {
            _captured.Add((record, OutboxMetrics.TypeName(typeof(T))));
        }

        return Task.CompletedTask;
    }

    public override Task SetConsumed() => Task.CompletedTask;

    public override Task SetDelivered() => Task.CompletedTask;

    public override Task<List<OutboxMessageContext>> LoadOutboxMessages() => Task.FromResult(new List<OutboxMessageContext>());

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => Task.CompletedTask;

    public override Task RemoveOutboxMessages() => Task.CompletedTask;
}
