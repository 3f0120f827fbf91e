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
/// Sends due timers to their destinations. It polls the store at once on start (so timers that fell
/// due while the engine was down fire straight away), then every <see cref="SchedulingOptions.PollInterval"/>.
/// Each message is claimed, sent, then deleted: a crash between send and delete sends it again once the
/// lease expires, so delivery is at-least-once and receivers (the sagas) tolerate duplicates. Several
/// engine processes can run dispatchers on one store; the claim keeps them from sending a timer twice.
/// The outbox's messages are rows due at once: a commit that wrote some wakes it (<see cref="OutboxSignal"/>).
/// On the in-memory transport a sent row is held until its consumers acknowledged it, and on start
/// the rows the previous process held are sent again (its queues died with it).
/// </summary>
public sealed partial class DueMessageDispatcher(
    IBus bus,
    IScheduledMessageStore store,
    OutboxSignal signal,
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

        while (!stoppingToken.IsCancellationRequested)
        {
            int sent;
            try
            {
                sent = await DispatchDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store may be briefly unreachable; the timers stay stored and the next poll retries.
                LogPollFailed(ex);
                sent = 0;
            }

            // A full batch means more may be due: poll again at once rather than falling behind.
            if (sent < settings.BatchSize)
            {
                await signal.WaitAsync(settings.PollInterval, timeProvider, stoppingToken);
            }
        }
    }

    /// <summary>One poll: claims what is due now, sends it, and returns how many were claimed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await store.ClaimDueAsync(timeProvider.GetUtcNow(), settings.LeaseDuration, settings.BatchSize, cancellationToken);
        foreach (var claimed in due)
        {
            try
            {
                using var trace = OutboxRecords.ResumeTrace(claimed.Message);
                var endpoint = await bus.GetSendEndpoint(claimed.Message.Destination);
                await endpoint.Send(new ScheduledMessagePlaceholder(), new ForwardPipe(claimed.Message, timeProvider), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSendFailed(ex, claimed.Message.TokenId, claimed.Message.Destination);
                await store.ReleaseAsync(claimed, cancellationToken);
                continue;
            }

            await store.CompleteAsync(claimed, cancellationToken);
            LogSent(claimed.Message.TokenId, claimed.Message.Destination, claimed.Message.DueAt);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending again {Count} messages that the previous process had put into its in-memory queues but that were not handled")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the scheduled message store failed; retrying on the next poll")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending scheduled message {TokenId} to {Destination} failed; retrying on the next poll")]
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
