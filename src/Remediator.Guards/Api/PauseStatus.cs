using Remediator.Guards.State;

namespace Remediator.Guards.Api;

/// <summary>The pauses in force: <c>GET /api/v1/pause</c>.</summary>
public sealed record PauseStatus(bool Paused, PauseEntry? Global, IReadOnlyDictionary<string, PauseEntry> Namespaces)
{
    public static PauseStatus From(PauseSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var global = snapshot.Global is { } pause && pause.IsInForce(now) ? pause : null;
        var namespaces = snapshot.Namespaces.Where(entry => entry.Value.IsInForce(now))
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .ToDictionary(StringComparer.Ordinal);
        return new PauseStatus(global is not null, global, namespaces);
    }
}
