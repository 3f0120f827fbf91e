namespace Remediator.Engine.Alerts;

/// <summary>
/// Remembers which alert occurrences (idempotency keys) are being or have been handled, so that
/// Alertmanager's re-sends, retries and HA duplicates start at most one remediation.
/// </summary>
public interface IAlertDeduplicator
{
    /// <summary>True for the first claim of <paramref name="idempotencyKey"/>; false while it is remembered.</summary>
    bool TryClaim(string idempotencyKey);

    /// <summary>Forgets a claim whose handling failed, so a redelivery may try again.</summary>
    void Release(string idempotencyKey);

    /// <summary>
    /// <see cref="TryClaim"/> for the consumer: a store that waits on I/O overrides it so that no
    /// thread-pool thread blocks per alert (the webhook answers on the same pool).
    /// </summary>
    ValueTask<bool> TryClaimAsync(string idempotencyKey, CancellationToken cancellationToken) => ValueTask.FromResult(TryClaim(idempotencyKey));

    /// <summary><see cref="Release"/> for the consumer; see <see cref="TryClaimAsync"/>.</summary>
    ValueTask ReleaseAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        Release(idempotencyKey);
        return ValueTask.CompletedTask;
    }
}
