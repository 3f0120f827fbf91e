namespace Remediator.Backtest.History;

/// <summary>
/// One firing of one alert, as read from Prometheus: from the first sample that showed it firing
/// until the first evaluation step that no longer did (null: still firing at the range's end).
/// </summary>
public sealed record AlertEpisode(IReadOnlyDictionary<string, string> Labels, string Fingerprint, DateTimeOffset FiringAt, DateTimeOffset? ResolvedAt);
