namespace Remediator.Scheduling.Storage;

/// <summary>
/// Durable timers. Implementations must make <see cref="ClaimDueAsync"/> atomic across processes:
/// two dispatchers on one store never hold a lease on the same message at the same time.
/// </summary>
public interface IScheduledMessageStore
{
    /// <summary>Stores <paramref name="message"/>, replacing (and un-claiming) any timer with the same token.</summary>
    Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken);

    /// <summary>True while a timer with <paramref name="tokenId"/> is stored (due, held or not yet due).</summary>
    Task<bool> ExistsAsync(Guid tokenId, CancellationToken cancellationToken);

    /// <summary>Removes the timer; false when there was none (already sent or never scheduled).</summary>
    Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves up to <paramref name="maxCount"/> messages due at <paramref name="now"/> that nobody holds
    /// (or whose holder's lease has expired, e.g. it crashed), earliest first, until <paramref name="now"/> + <paramref name="lease"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedScheduledMessage>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// After a send: deletes the message (unless it was rescheduled or reclaimed meanwhile), or, while
    /// receipts are pending, keeps holding it until its consumers acknowledge it.
    /// </summary>
    Task CompleteAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken);

    /// <summary>
    /// The inbox: records that <paramref name="consumer"/> handled <paramref name="messageId"/> and,
    /// with <paramref name="countReceipt"/> (a transport whose queues die with the process), counts
    /// its receipt on the held row. False when it had already: the redelivery must not be handled again.
    /// </summary>
    Task<bool> AcknowledgeAsync(Guid messageId, string consumer, DateTimeOffset now, bool countReceipt, CancellationToken cancellationToken);

    /// <summary>How many messages are due at <paramref name="now"/> and not yet handled, counting no further than <paramref name="limit"/>.</summary>
    Task<int> CountDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Hands back every message held for receipts (sent into in-memory queues that died with the
    /// previous process) so they are sent again; returns how many.
    /// </summary>
    Task<int> ReleaseHeldAsync(CancellationToken cancellationToken);

    /// <summary>Gives a message back (its send failed) so the next poll retries it.</summary>
    Task ReleaseAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken);
}
