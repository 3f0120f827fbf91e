namespace Remediator.Scheduling.Storage;

/// <summary>
/// Durable timers. Implementations must make <see cref="ClaimDueAsync"/> atomic across processes:
/// two dispatchers on one store never hold a lease on the same message at the same time.
/// </summary>
public interface IScheduledMessageStore
{
    /// <summary>Stores <paramref name="message"/>, replacing (and un-claiming) any timer with the same token.</summary>
    Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="message"/> (due now) already claimed under <paramref name="claimId"/> until
    /// <paramref name="leaseUntil"/>: the writing process hands it to its own dispatcher in memory, so no
    /// claim statement is needed; if that process dies, any dispatcher claims it once the lease expired.
    /// </summary>
    Task ScheduleClaimedAsync(ScheduledMessageRecord message, Guid claimId, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// True while a timer with <paramref name="tokenId"/> is stored (due, held or not yet due). A message
    /// sent whose row's delete is still queued (the dispatcher deletes sent rows in batches) is stored
    /// too: it is in flight, which is what a caller deciding whether to arm it again must know.
    /// </summary>
    Task<bool> ExistsAsync(Guid tokenId, CancellationToken cancellationToken);

    /// <summary>Removes the timer; false when there was none (already sent or never scheduled).</summary>
    Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves up to <paramref name="maxCount"/> messages due at <paramref name="now"/> that nobody holds
    /// (or whose holder's lease has expired, e.g. it crashed), until <paramref name="now"/> + <paramref name="lease"/>: those
    /// that became claimable first (a row nobody held by its due time, one whose holder died by its lease's end), in due order.
    /// </summary>
    Task<IReadOnlyList<ClaimedScheduledMessage>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// After their sends: deletes the messages (those not rescheduled or reclaimed meanwhile) in one
    /// statement, and keeps holding those whose receipts are pending until their consumers acknowledge them.
    /// </summary>
    Task CompleteAsync(IReadOnlyCollection<ClaimedScheduledMessage> sent, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="CompleteAsync"/> inside a unit of work that must not wait for another transaction (it
    /// carries the deletes of rows sent before it, <see cref="Outbox.SentMessages"/>): a row another
    /// transaction holds locked (a consumer acknowledging it, a saga cancelling its token) is skipped,
    /// so no lock wait can close a cycle with that transaction, and returned, to be completed later on
    /// its own. Rows already gone or reclaimed are neither completed nor returned.
    /// </summary>
    Task<IReadOnlyCollection<ClaimedScheduledMessage>> CompleteUnlockedAsync(IReadOnlyCollection<ClaimedScheduledMessage> sent, CancellationToken cancellationToken);

    /// <summary>
    /// The inbox: records that <paramref name="consumer"/> handled <paramref name="messageId"/> and,
    /// with <paramref name="countReceipt"/> (a transport whose queues die with the process), counts
    /// its receipt on the held row. False when it had already: the redelivery must not be handled again.
    /// </summary>
    Task<bool> AcknowledgeAsync(Guid messageId, string consumer, DateTimeOffset now, bool countReceipt, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="consumer"/> already handled <paramref name="messageId"/> (the inbox has it).</summary>
    Task<bool> IsConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken);

    /// <summary>How many messages are due at <paramref name="now"/> and not yet handled, counting no further than <paramref name="limit"/>.</summary>
    Task<int> CountDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// At start on the in-memory transport (one process per store): hands back every message the previous
    /// process held, whether for receipts (sent into in-memory queues that died with it), claimed or
    /// handed over and not yet sent, so they are sent again at once; returns how many.
    /// </summary>
    Task<int> ReleaseHeldAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gives messages back (their send failed, or the dispatcher stopped before sending them) so the
    /// next poll, of any process, sends them without waiting for their lease.
    /// </summary>
    Task ReleaseAsync(IReadOnlyCollection<ClaimedScheduledMessage> claimed, CancellationToken cancellationToken);
}
