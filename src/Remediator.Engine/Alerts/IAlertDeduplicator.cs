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
}
