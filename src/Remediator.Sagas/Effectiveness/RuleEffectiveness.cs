namespace Remediator.Sagas.Effectiveness;

/// <summary>
/// Did the rule help: its figures over 24 hours, 7 days and 30 days, and its outcomes per day
/// over the 30 days (the dashboard's chart), from the engine's durable history.
/// </summary>
public sealed record RuleEffectiveness(string Rule, DateTimeOffset At, IReadOnlyList<EffectivenessWindow> Windows, IReadOnlyList<EffectivenessDay> Days)
{
    /// <summary>The windows, by the name each carries.</summary>
    public static readonly IReadOnlyList<(string Name, TimeSpan Length)> WindowLengths =
    [
        ("24h", TimeSpan.FromHours(24)),
        ("7d", TimeSpan.FromDays(7)),
        ("30d", TimeSpan.FromDays(30)),
    ];

    /// <summary>The longest window: how far back the history is read.</summary>
    public static TimeSpan Longest => WindowLengths[^1].Length;

    /// <summary>Computes the figures from the rule's records that ended within <see cref="Longest"/> before <paramref name="now"/>.</summary>
    public static RuleEffectiveness From(string rule, IReadOnlyList<RemediationRecord> records, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(records);
        var windows = WindowLengths.Select(w => Window(w.Name, [.. records.Where(r => r.FinishedAt > now - w.Length && r.FinishedAt <= now)])).ToList();
        var firstDay = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - Longest.TotalDays);
        var days = Enumerable.Range(0, (int)Longest.TotalDays)
            .Select(i => firstDay.AddDays(i))
            .Select(day =>
            {
                var ended = records.Where(r => r.FinishedAt >= day && r.FinishedAt < day.AddDays(1)).ToList();
                return new EffectivenessDay(
                    DateOnly.FromDateTime(day.UtcDateTime),
                    ended.Count(IsVerifiedSuccess),
                    ended.Count(r => r.State == nameof(RemediationStateMachine.Escalated)),
                    ended.Count(r => r.State == nameof(RemediationStateMachine.Refused)),
                    ended.Count(r => r.State == nameof(RemediationStateMachine.Cancelled) || (r.State == nameof(RemediationStateMachine.Succeeded) && r.DryRun)));
            })
            .ToList();
        return new RuleEffectiveness(rule, now, windows, days);
    }

    private static EffectivenessWindow Window(string name, List<RemediationRecord> runs)
    {
        var recoveries = runs.Where(IsVerifiedSuccess).Select(r => r.FinishedAt - r.RequestedAt).Order().ToList();
        var alerts = runs.Sum(r => r.Alerts);
        var unattended = runs.Where(r => IsVerifiedSuccess(r) && !r.Approved).Sum(r => r.Alerts);
        return new EffectivenessWindow(
            name,
            runs.Count,
            recoveries.Count,
            runs.Sum(r => Math.Max(r.Attempts - 1, 0)),
            runs.Count(r => r.State == nameof(RemediationStateMachine.Escalated)),
            runs.Where(r => r.RefusalCode is not null).GroupBy(r => r.RefusalCode!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Percentile(recoveries, 0.5),
            Percentile(recoveries, 0.9),
            alerts,
            alerts == 0 ? null : (double)unattended / alerts);
    }

    private static bool IsVerifiedSuccess(RemediationRecord record) =>
        record.State == nameof(RemediationStateMachine.Succeeded) && !record.DryRun;

    /// <summary>Nearest rank: the smallest value with at least <paramref name="fraction"/> of the values at or below it.</summary>
    private static TimeSpan? Percentile(List<TimeSpan> sorted, double fraction) =>
        sorted.Count == 0 ? null : sorted[Math.Max((int)Math.Ceiling(fraction * sorted.Count) - 1, 0)];
}
