using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Persistence;
using Remediator.Persistence.Transactions;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// One commit per message handled: the inbox entry that marks it handled, every store's writes
/// (saga row, guard state, claims) and every message and timer it causes go into one database
/// transaction; the <see cref="DueMessageDispatcher"/> sends the messages after the commit. Messages due
/// at once are written claimed by this process and handed to its dispatcher after the commit
/// (<see cref="OutboxSignal.HandOver"/>), so sending them needs no claim statement. A crash
/// before the commit leaves nothing behind and the message is delivered again; a redelivery after it
/// finds the inbox entry and is acknowledged without being handled twice. Each unit of work also
/// carries the deletes of the rows the dispatcher sent since the last one (<see cref="SentMessages"/>),
/// so they cost no commit of their own.
/// </summary>
public sealed partial class TransactionalOutbox(
    IDatabaseConnectionFactory database,
    IScheduledMessageStore store,
    DurableConsumers consumers,
    OutboxSignal signal,
    SentMessages sent,
    TimeProvider timeProvider,
    IServiceProvider provider,
    OutboxMetrics metrics,
    IOptions<SchedulingOptions> options,
    ILogger<TransactionalOutbox> logger)
{
    // The batch of the InUnitOfWorkAsync call in force on this flow, if any.
    private static readonly AsyncLocal<UnitOfWorkBatch?> _batch = new();

    /// <summary>Handles one message through <paramref name="next"/> inside a unit of work, as <paramref name="consumer"/>.</summary>
    public async Task ConsumeAsync<T>(ConsumeContext<T> context, string consumer, IPipe<ConsumeContext<T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var now = timeProvider.GetUtcNow();
        await InUnitOfWorkAsync(
            async cancellationToken =>
            {
                if (context.MessageId is { } messageId && !await store.AcknowledgeAsync(messageId, consumer, now, consumers.CountsReceipts, cancellationToken))
                {
                    LogDuplicate(typeof(T).Name, messageId, consumer);
                    return 0;
                }

                var outboxContext = new TransactionalConsumeContext<T>(context, new OutboxConsumeOptions { ConsumerType = consumer }, provider, consumers, now);
                await next.Send(outboxContext);
                var batch = _batch.Value!;
                foreach (var write in outboxContext.Captured)
                {
                    if (write is OutboxInsert insert)
                    {
                        await WriteAsync(batch, insert.Record, now, insert.MessageType, insert.Kind, cancellationToken);
                    }
                    else if (write is OutboxCancel cancel)
                    {
                        // Cancelling a timer that already fired (or never existed) is not an error: a
                        // saga unschedules its timeouts without knowing whether they were sent.
                        await store.CancelAsync(cancel.TokenId, cancellationToken);
                        batch.Handing.RemoveAll(handed => handed.Claimed.Message.TokenId == cancel.TokenId);
                    }
                }

                return outboxContext.Captured.Count;
            },
            context.CancellationToken);
    }

    /// <summary>
    /// Handles one message of a consumer marked <see cref="OutsideUnitOfWorkAttribute"/>: no
    /// transaction is held while it works, and the inbox records it afterwards. A message the inbox
    /// already has (sent again after a crash left its outbox row behind) is not handled again: only
    /// a stop between the work and its record repeats it.
    /// </summary>
    public async Task ConsumeThenAcknowledgeAsync<T>(ConsumeContext<T> context, string consumer, IPipe<ConsumeContext<T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.MessageId is { } handled && await store.IsConsumedAsync(handled, consumer, context.CancellationToken))
        {
            LogDuplicate(typeof(T).Name, handled, consumer);
            return;
        }

        await next.Send(context);
        if (context.MessageId is { } messageId && !await store.AcknowledgeAsync(messageId, consumer, timeProvider.GetUtcNow(), consumers.CountsReceipts, CancellationToken.None))
        {
            LogHandledAgain(typeof(T).Name, messageId, consumer);
        }
    }

    /// <summary>How many messages wait to be sent or handled (due now), counting no further than <paramref name="limit"/>.</summary>
    public Task<int> BacklogAsync(int limit, CancellationToken cancellationToken) =>
        store.CountDueAsync(timeProvider.GetUtcNow(), limit, cancellationToken);

    /// <summary>
    /// Puts messages the engine originates outside any consumer (the webhook's alerts) in the outbox
    /// in one commit: when this returns they are durable, and the dispatcher sends them.
    /// </summary>
    public Task SendAsync<T>(IReadOnlyCollection<T> messages, Uri destination, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(destination);
        return InUnitOfWorkAsync(
            async token =>
            {
                foreach (var message in messages)
                {
                    await PublishInUnitOfWorkAsync(message, destination, token);
                }

                return messages.Count;
            },
            cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="record"/> in the unit of work of <paramref name="batch"/>: claimed under its
    /// claim and handed over after the commit when due at <paramref name="now"/>, unclaimed (polled) when
    /// later (a timer armed for later costs no wake-up: the poll finds it when due). Counted once committed.
    /// </summary>
    private async Task WriteAsync(UnitOfWorkBatch batch, ScheduledMessageRecord record, DateTimeOffset now, string messageType, string kind, CancellationToken cancellationToken)
    {
        batch.Written.Add((messageType, kind));
        if (record.DueAt > now)
        {
            await store.ScheduleAsync(record, cancellationToken);
            return;
        }

        await store.ScheduleClaimedAsync(record, batch.Claim.ClaimId, batch.Claim.LeaseUntil, cancellationToken);

        // Written again under its token in this unit of work: only the last version is the row's.
        batch.Handing.RemoveAll(handed => handed.Claimed.Message.TokenId == record.TokenId);
        batch.Handing.Add(new HandedOverMessage(new ClaimedScheduledMessage(record, batch.Claim.ClaimId), batch.Claim.LeaseUntil));
    }

    /// <summary>
    /// Arms a timer inside the unit of work in force (the caller's, which must be open): <paramref name="message"/>
    /// goes to <paramref name="destination"/> at <paramref name="dueAt"/> under <paramref name="tokenId"/>,
    /// replacing any timer with that token. Once the caller committed, <see cref="Wake"/> sends a due one at once.
    /// </summary>
    public Task ScheduleInUnitOfWorkAsync<T>(T message, Uri destination, DateTimeOffset dueAt, Guid tokenId, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(destination);
        if (DatabaseUnitOfWork.Current is null)
        {
            throw new InvalidOperationException($"Arming a {typeof(T).Name} timer needs an open unit of work: without one it would commit apart from the change it belongs to.");
        }

        return store.ScheduleAsync(OutboxRecords.Timer(message, destination, dueAt, tokenId, consumers), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one unit of work (the webhook's: alert claims and the
    /// requests they cause). The messages it writes through <see cref="PublishInUnitOfWorkAsync{T}"/>
    /// commit with its other writes or not at all, claimed by this process, and are handed to its
    /// dispatcher once committed, as a consumer's are. After the work, the unit of work deletes the rows
    /// the dispatcher sent meanwhile (<see cref="SentMessages"/>): last, so it holds their locks only
    /// until the commit, and skipping any that another transaction holds, so it never waits for one.
    /// Rows it could not complete go back to the dispatcher, which completes them on its own.
    /// </summary>
    public async Task<TResult> InUnitOfWorkAsync<TResult>(Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        UnitOfWorkBatch? committed = null;
        IReadOnlyList<ClaimedScheduledMessage> riding = [];
        IReadOnlyCollection<ClaimedScheduledMessage> skipped = [];
        TResult result;
        try
        {
            result = await database.InUnitOfWorkAsync(
                async token =>
                {
                    // A fresh batch per attempt: a unit of work that is tried again hands over only what its last attempt wrote.
                    var batch = new UnitOfWorkBatch(new HandOffClaim(Guid.NewGuid(), timeProvider.GetUtcNow() + options.Value.HandOffLease));
                    _batch.Value = batch;
                    try
                    {
                        var outcome = await work(token);
                        riding = sent.TakeForUnitOfWork();
                        skipped = riding.Count == 0 ? [] : await store.CompleteUnlockedAsync(riding, token);
                        committed = batch;
                        return outcome;
                    }
                    finally
                    {
                        _batch.Value = null;
                    }
                },
                cancellationToken);
        }
        catch (Exception) when (riding.Count > 0)
        {
            // Rolled back: the sent rows it carried are still to be deleted, and soon (their lease runs).
            sent.Return(riding, timeProvider.GetUtcNow());
            throw;
        }

        sent.Return(skipped, timeProvider.GetUtcNow());
        if (committed is not null)
        {
            foreach (var (messageType, kind) in committed.Written)
            {
                metrics.Written(messageType, kind);
            }

            signal.HandOver(committed.Handing);
        }

        return result;
    }

    /// <summary>
    /// Puts <paramref name="message"/> for <paramref name="destination"/> in the outbox inside the
    /// unit of work in force (the caller's, which must be open), so it commits with the caller's own
    /// writes or not at all. Inside <see cref="InUnitOfWorkAsync{TResult}"/> it is handed to the
    /// dispatcher after the commit; in another unit of work the caller calls <see cref="Wake"/> once committed.
    /// </summary>
    public async Task PublishInUnitOfWorkAsync<T>(T message, Uri destination, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(destination);
        if (DatabaseUnitOfWork.Current is null)
        {
            throw new InvalidOperationException($"Publishing a {typeof(T).Name} in a unit of work needs an open one: without one it would commit apart from the change it belongs to.");
        }

        var now = timeProvider.GetUtcNow();
        var record = OutboxRecords.From(message, destination, now, consumers);
        if (_batch.Value is { } batch)
        {
            await WriteAsync(batch, record, now, OutboxMetrics.TypeName(typeof(T)), OutboxMetrics.MessageKind, cancellationToken);
            return;
        }

        await store.ScheduleAsync(record, cancellationToken);
        metrics.Written(OutboxMetrics.TypeName(typeof(T)), OutboxMetrics.MessageKind);
    }

    /// <summary>
    /// True while a timer with <paramref name="tokenId"/> is stored (armed, due or held for its
    /// receipts); a routing slip's row is stored under its tracking number, so this also tells
    /// whether a slip committed by a saga is still to be sent.
    /// </summary>
    public Task<bool> IsArmedAsync(Guid tokenId, CancellationToken cancellationToken) =>
        store.ExistsAsync(tokenId, cancellationToken);

    /// <summary>Wakes the dispatcher after a commit that armed a timer due now.</summary>
    public void Wake() => signal.Notify();

    /// <summary>The claim one unit of work writes its rows due now under.</summary>
    private readonly record struct HandOffClaim(Guid ClaimId, DateTimeOffset LeaseUntil);

    /// <summary>What one attempt of <see cref="InUnitOfWorkAsync{TResult}"/> wrote claimed, to hand over once it committed.</summary>
    private sealed record UnitOfWorkBatch(HandOffClaim Claim)
    {
        public List<HandedOverMessage> Handing { get; } = [];

        /// <summary>Message type and kind of each row written, counted once the unit of work committed.</summary>
        public List<(string MessageType, string Kind)> Written { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageType} {MessageId} was handled again by {Consumer} (redelivered after a crash before its acknowledgement)")]
    private partial void LogHandledAgain(string messageType, Guid messageId, string consumer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{MessageType} {MessageId} was already handled by {Consumer}; acknowledging the redelivery")]
    private partial void LogDuplicate(string messageType, Guid messageId, string consumer);
}
