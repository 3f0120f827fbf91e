using System.Collections.Concurrent;
using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling;

/// <summary>
/// Sends the outbox's messages and due timers to their destinations. Rows a commit of this process
/// wrote due at once arrive claimed, handed over in memory (<see cref="OutboxSignal"/>), and are sent
/// without a claim statement. The store is polled at once on start (so timers that fell due while
/// the engine was down fire straight away), then every <see cref="SchedulingOptions.PollInterval"/>
/// (or when asked): each poll claims a batch of due rows nobody holds or whose holder's lease expired
/// (another process that died), sends it and deletes it in one statement. Sent handed-over rows wait
/// for the next unit of work of this process to delete them in its own transaction (<see cref="SentMessages"/>);
/// the dispatcher deletes them itself, together, when <see cref="SchedulingOptions.BatchSize"/> wait or none
/// came within <see cref="SchedulingOptions.DeleteInterval"/>. A crash between send and delete sends a row again
/// once its lease expired, so delivery is at-least-once and receivers (the inbox) tolerate duplicates.
/// Several engine processes can run dispatchers on one store; the claim keeps them from sending a row
/// under two live leases. Sends overlap (<see cref="SchedulingOptions.SendConcurrency"/>), except that
/// rows with one destination and one correlation id (or conversation id) go one after the other, in due order.
/// On the in-memory transport a sent row is held until its consumers acknowledged it, and on start
/// the rows the previous process held are sent again (its queues died with it). On a graceful stop
/// the deletes waiting are done and the rows handed over but not sent are released for the next start.
/// </summary>
public sealed partial class DueMessageDispatcher(
    IBus bus,
    IScheduledMessageStore store,
    OutboxSignal signal,
    SentMessages sentMessages,
    DurableConsumers consumers,
    IOptions<SchedulingOptions> options,
    TimeProvider timeProvider,
    ILogger<DueMessageDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (consumers.CountsReceipts)
        {
            var released = await store.ReleaseHeldAsync(stoppingToken);
            if (released > 0)
            {
                LogReleased(released);
            }
        }

        var nextPoll = timeProvider.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var busy = false;
                try
                {
                    var handedOver = signal.TakeHandedOver(settings.BatchSize);
                    await SendHandedOverAsync(handedOver, stoppingToken);
                    busy = handedOver.Count == settings.BatchSize;
                    if (signal.TakePollRequest() || timeProvider.GetUtcNow() >= nextPoll)
                    {
                        nextPoll = timeProvider.GetUtcNow() + settings.PollInterval;

                        // A full batch means more may be due: poll again at once rather than falling behind.
                        if (await DispatchDueAsync(stoppingToken) == settings.BatchSize)
                        {
                            nextPoll = timeProvider.GetUtcNow();
                            busy = true;
                        }
                    }

                    if (timeProvider.GetUtcNow() >= sentMessages.DueAt)
                    {
                        await DeleteSentAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store may be briefly unreachable; the rows stay stored and the next round retries.
                    LogPollFailed(ex);
                }

                if (!busy)
                {
                    var deleteAt = sentMessages.DueAt;
                    var wakeAt = nextPoll < deleteAt ? nextPoll : deleteAt;
                    var timeout = wakeAt - timeProvider.GetUtcNow();
                    await signal.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what follows hands back the work in hand.
        }

        await StopDispatchingAsync();
    }

    /// <summary>
    /// One poll: claims what is due now, sends it, deletes (or, awaiting receipts, holds) what was sent in
    /// one statement, releases what could not be sent, and returns how many were claimed.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await store.ClaimDueAsync(timeProvider.GetUtcNow(), settings.LeaseDuration, settings.BatchSize, cancellationToken);
        var (sent, unsent) = await SendAllAsync(due, cancellationToken);
        await store.CompleteAsync(sent, CancellationToken.None);
        await store.ReleaseAsync(unsent, CancellationToken.None);
        return due.Count;
    }

    /// <summary>
    /// Sends rows handed over by this process's commits. One whose lease is more than half gone is not
    /// sent from here: it waited too long in memory and is left to a poll once the lease expired, so no
    /// send runs on a lease another dispatcher may be about to take.
    /// </summary>
    private async Task SendHandedOverAsync(IReadOnlyList<HandedOverMessage> handedOver, CancellationToken cancellationToken)
    {
        if (handedOver.Count == 0)
        {
            return;
        }

        var margin = options.Value.HandOffLease / 2;
        var now = timeProvider.GetUtcNow();
        var fresh = handedOver.Where(message => message.LeaseUntil - now >= margin).Select(message => message.Claimed).ToList();
        if (fresh.Count < handedOver.Count)
        {
            LogHandOffExpired(handedOver.Count - fresh.Count);
        }

        var (sent, unsent) = await SendAllAsync(fresh, cancellationToken);
        await store.ReleaseAsync(unsent, CancellationToken.None);
        sentMessages.Add(sent);
    }

    /// <summary>
    /// Deletes (or holds for receipts) in one statement the sent handed-over rows no unit of work took in
    /// time; on failure they wait another interval.
    /// </summary>
    private async Task DeleteSentAsync(CancellationToken cancellationToken)
    {
        var waiting = sentMessages.TakeAll();
        if (waiting.Count == 0)
        {
            return;
        }

        try
        {
            await store.CompleteAsync(waiting, cancellationToken);
        }
        catch (Exception)
        {
            sentMessages.Return(waiting, timeProvider.GetUtcNow() + options.Value.DeleteInterval);
            throw;
        }
    }

    /// <summary>
    /// On a graceful stop: the deletes waiting are done, and rows handed over but not sent are released,
    /// so the next start (of any engine) sends them at once instead of after their lease.
    /// </summary>
    private async Task StopDispatchingAsync()
    {
        var unsent = signal.TakeHandedOver(int.MaxValue).Select(message => message.Claimed).ToList();
        await store.ReleaseAsync(unsent, CancellationToken.None);
        await DeleteSentAsync(CancellationToken.None);
        if (unsent.Count > 0)
        {
            LogReleasedOnStop(unsent.Count);
        }
    }

    /// <summary>
    /// Sends <paramref name="claimed"/> (in due order) with up to <see cref="SchedulingOptions.SendConcurrency"/>
    /// sends awaiting their confirmation at once; rows with one destination and correlation id (or, without
    /// one, conversation id) go in order,
    /// and after one of them fails the rest of them are not sent (so none overtakes it). Returns what was
    /// sent and what was not (a failed send, or stopping).
    /// </summary>
    private async Task<(IReadOnlyCollection<ClaimedScheduledMessage> Sent, IReadOnlyCollection<ClaimedScheduledMessage> Unsent)> SendAllAsync(
        IReadOnlyList<ClaimedScheduledMessage> claimed,
        CancellationToken cancellationToken)
    {
        var sent = new ConcurrentQueue<ClaimedScheduledMessage>();
        var unsent = new ConcurrentQueue<ClaimedScheduledMessage>();
        // Without a correlation id, the conversation: the messages one handling caused share it, and
        // each webhook alert starts its own, so independent alerts still go out side by side.
        var sequences = claimed.GroupBy(message => (message.Message.Destination, message.Message.Identity.CorrelationId ?? message.Message.Identity.ConversationId));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.SendConcurrency };

        // Not cancelled as a whole: each sequence sorts its rows into sent and unsent even when stopping.
        await Parallel.ForEachAsync(sequences, parallel, async (sequence, _) =>
        {
            var failed = false;
            foreach (var message in sequence)
            {
                if (failed || cancellationToken.IsCancellationRequested || !await TrySendAsync(message, cancellationToken))
                {
                    failed = true;
                    unsent.Enqueue(message);
                    continue;
                }

                sent.Enqueue(message);
            }
        });
        return ([.. sent], [.. unsent]);
    }

    private async Task<bool> TrySendAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken)
    {
        var message = claimed.Message;
        try
        {
            using var trace = OutboxRecords.ResumeTrace(message);
            var endpoint = await bus.GetSendEndpoint(message.Destination);
            await endpoint.Send(new ScheduledMessagePlaceholder(), new ForwardPipe(message, timeProvider), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping mid-send: whether the transport took it is unknown; released, it is sent again (at-least-once).
            return false;
        }
        catch (Exception ex)
        {
            LogSendFailed(ex, message.TokenId, message.Destination);
            return false;
        }

        LogSent(message.TokenId, message.Destination, message.DueAt);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} messages handed over for sending waited more than half their lease; they are sent by a poll once it expired")]
    private partial void LogHandOffExpired(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} messages handed over but not yet sent; the next start sends them at once")]
    private partial void LogReleasedOnStop(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending again {Count} messages that the previous process had put into its in-memory queues but that were not handled")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling or updating the scheduled message store failed; retrying on the next round")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending scheduled message {TokenId} to {Destination} failed; it is released and retried on the next poll")]
    private partial void LogSendFailed(Exception exception, Guid tokenId, Uri destination);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent scheduled message {TokenId} to {Destination} (due {DueAt:O})")]
    private partial void LogSent(Guid tokenId, Uri destination, DateTimeOffset dueAt);

    /// <summary>What the send pipeline is given; the pipe swaps its serializer for the stored envelope.</summary>
    private sealed class ScheduledMessagePlaceholder;

    /// <summary>Replaces the outgoing message with the stored one, restoring its ids and headers.</summary>
    private sealed class ForwardPipe(ScheduledMessageRecord message, TimeProvider timeProvider) : IPipe<SendContext>
    {
        public Task Send(SendContext context)
        {
            var headers = new DictionarySendHeaders();
            foreach (var (key, value) in message.Headers)
            {
                headers.Set(key, value);
            }

            var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(message.ContentType));
            var serializerContext = deserializer.Deserialize(deserializer.GetMessageBody(message.Body), headers, message.Destination);

            var identity = message.Identity;
            if (identity.MessageId.HasValue)
            {
                context.MessageId = identity.MessageId;
            }

            context.CorrelationId = identity.CorrelationId;
            context.ConversationId = identity.ConversationId;
            context.InitiatorId = identity.InitiatorId;
            context.SourceAddress = identity.SourceAddress;
            foreach (var (key, value) in message.Headers)
            {
                context.Headers.Set(key, value);
            }

            // A state machine's Schedule compares this token with the one it keeps, so a timer that
            // was replaced by a newer one is ignored when it arrives.
            context.Headers.Set(MessageHeaders.SchedulingTokenId, message.TokenId.ToString("N"));
            context.Headers.Set(SentHeader, timeProvider.GetUtcNow().ToString("O"));
            context.Serializer = serializerContext.GetMessageSerializer();
            return Task.CompletedTask;
        }

        public void Probe(ProbeContext context)
        {
        }
    }

    /// <summary>When the dispatcher sent the message (its due time may be much earlier after an outage).</summary>
    public const string SentHeader = "Remediator-Scheduling-Sent";
}
