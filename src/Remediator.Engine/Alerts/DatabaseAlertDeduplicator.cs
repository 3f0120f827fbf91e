using Microsoft.Extensions.Options;

namespace Remediator.Engine.Alerts;

/// <summary>
/// The engine's de-duplication on the database: claims survive restarts and are shared by every
/// engine replica, so one alert occurrence is handled once however many engines receive it.
/// </summary>
public sealed class DatabaseAlertDeduplicator(DatabaseAlertClaims claims, IOptions<DeduplicationOptions> options) : IAlertDeduplicator
{
    public ValueTask<bool> TryClaimAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        new(claims.TryClaimAsync(idempotencyKey, options.Value.Window, cancellationToken));

    public ValueTask ReleaseAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        new(claims.ReleaseAsync(idempotencyKey, cancellationToken));
}
