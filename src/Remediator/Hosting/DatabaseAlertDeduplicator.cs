using Microsoft.Extensions.Options;
using Remediator.Engine.Alerts;
using Remediator.Persistence.Alerts;

namespace Remediator.Hosting;

/// <summary>
/// The engine's de-duplication on the database: claims survive restarts and are shared by every
/// engine replica, so one alert occurrence is handled once however many engines receive it.
/// (Lives in the host because the persistence library does not depend on the engine.)
/// </summary>
public sealed class DatabaseAlertDeduplicator(DatabaseAlertClaims claims, IOptions<DeduplicationOptions> options) : IAlertDeduplicator
{
    public bool TryClaim(string idempotencyKey) => claims.TryClaim(idempotencyKey, options.Value.Window);

    public void Release(string idempotencyKey) => claims.Release(idempotencyKey);

    public async ValueTask<bool> TryClaimAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await claims.TryClaimAsync(idempotencyKey, options.Value.Window, cancellationToken);

    public async ValueTask ReleaseAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await claims.ReleaseAsync(idempotencyKey, cancellationToken);
}
