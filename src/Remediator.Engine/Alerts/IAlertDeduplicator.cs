namespace Remediator.Engine.Alerts;

/// <summary>
/// Remembers which alert occurrences (idempotency keys) are being or have been handled, so that
/// Alertmanager's re-sends, retries and HA duplicates start at most one remediation. Asynchronous
/// because the durable implementation is a database round trip on the consumer's path.
/// </summary>
public interface IAlertDeduplicator
{
    /// <summary>True for the first claim of <paramref name="idempotencyKey"/>; false while it is remembered.</summary>
    ValueTask<bool> TryClaimAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Forgets a claim whose handling failed, so a redelivery may try again.</summary>
    ValueTask ReleaseAsync(string idempotencyKey, CancellationToken cancellationToken);
}
