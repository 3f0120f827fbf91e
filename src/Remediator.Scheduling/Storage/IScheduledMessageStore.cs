namespace Remediator.Scheduling.Storage;

/// <summary>
/// Durable timers. Implementations must make <see cref="ClaimDueAsync"/> atomic across processes:
/// two dispatchers on one store never hold a lease on the same message at the same time.
/// </summary>
public interface IScheduledMessageStore
{
    /// <summary>Stores <paramref name="message"/>, replacing (and un-claiming) any timer with the same token.</summary>
    Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken);

    /// <summary>Removes the timer; false when there was none (already sent or never scheduled).</summary>
    Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves up to <paramref name="maxCount"/> messages due at <paramref name="now"/> that nobody holds
    /// (or whose holder's lease has expired, e.g. it crashed), earliest first, until <paramref name="now"/> + <paramref name="lease"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedScheduledMessage>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int maxCount, CancellationToken cancellationToken);

    /// <summary>Deletes a sent message, unless it was rescheduled or reclaimed meanwhile.</summary>
    Task CompleteAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken);

    /// <summary>Gives a message back (its send failed) so the next poll retries it.</summary>
    Task ReleaseAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken);
}
