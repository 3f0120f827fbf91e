using System.Globalization;

namespace Remediator.Contracts;

/// <summary>
/// The identity of one alert occurrence: (fingerprint, startsAt, status). Alertmanager keeps the
/// fingerprint and startsAt stable across every re-send of the same firing episode, so N
/// deliveries collapse to one key; the resolution of that episode gets a key of its own, and a
/// new episode (a new startsAt) is a new alert. StartsAt counts to the millisecond: the webhook
/// sends Go's nanoseconds but Alertmanager's API (<c>GET /api/v2/alerts</c>, which reconciling
/// reads) only milliseconds, and both must name the same occurrence.
/// </summary>
public static class AlertIdempotencyKey
{
    public static string For(string fingerprint, DateTimeOffset startsAt, AlertStatus status) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{fingerprint}/{startsAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.fffZ}/{(status == AlertStatus.Firing ? "firing" : "resolved")}");
}
