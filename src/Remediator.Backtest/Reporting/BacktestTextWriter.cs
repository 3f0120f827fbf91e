using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Remediator.Rules;

namespace Remediator.Backtest.Reporting;

/// <summary>The report as text for people, or as JSON for tooling (<c>--format json</c>).</summary>
public static class BacktestTextWriter
{
    /// <summary>The JSON form: camelCase, indented, times in RFC 3339.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void WriteJson(BacktestReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(report, Json));
    }

    public static void WriteText(BacktestReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Backtest of {report.Rules} against {report.Prometheus} from {Time(report.From)} to {Time(report.To)} (step {PromDuration.Format(report.Step)})");
        var alerts = report.Alerts;
        output.WriteLine($"Alert history: {alerts.Firing} firing {Plural(alerts.Firing, "alert")} ({alerts.Resolved} resolved within the range) of {alerts.Series} distinct {Plural(alerts.Series, "alert")}; {alerts.MatchedByNoRule} matched no rule.");
        output.WriteLine("Simulated, not observed:");
        foreach (var assumption in report.Assumptions)
        {
            output.WriteLine($"  - {assumption}");
        }

        foreach (var rule in report.RuleResults)
        {
            output.WriteLine();
            WriteRule(rule, output);
        }

        output.WriteLine();
        output.WriteLine(report.Storms.Count == 0 ? "Storm brakes: none engaged." : $"Storm brakes: {report.Storms.Count} engaged.");
        foreach (var storm in report.Storms)
        {
            output.WriteLine($"  {Time(storm.At)} by rule {storm.Rule} on {storm.Target}: {storm.FiringTargets} targets firing ({string.Join(", ", storm.Targets)})");
        }

        if (report.Target is { } target)
        {
            output.WriteLine();
            output.WriteLine(report.Timeline.Count == 0 ? $"Timeline of {target}: no alert concerned it." : $"Timeline of {target}:");
            foreach (var entry in report.Timeline)
            {
                output.WriteLine($"  {Time(entry.At)} {(entry.Rule is null ? string.Empty : $"[{entry.Rule}] ")}{entry.Event}");
            }
        }
    }

    private static void WriteRule(RuleBacktest rule, TextWriter output)
    {
        output.WriteLine($"rule {rule.Rule}");
        output.WriteLine($"  alerts matched: {rule.AlertsMatched}{(rule.AlertsUnresolved > 0 ? $" (and {rule.AlertsUnresolved} without a target)" : string.Empty)}");
        output.WriteLine($"  runs started: {rule.RunsStarted}{(rule.DryRuns > 0 ? $" ({rule.DryRuns} in dry run)" : string.Empty)}");
        output.WriteLine($"  runs refused: {rule.RunsRefused}{(rule.RunsRefused > 0 ? $" ({string.Join(", ", rule.Refusals.Select(r => $"{r.Key} {r.Value}"))})" : string.Empty)}");
        output.WriteLine($"  joined a run under way: {rule.Joined}");
        output.WriteLine($"  waited for a cascade's root: {rule.WaitedForRoot}");
        output.WriteLine($"  approvals requested: {rule.ApprovalsRequested}");
        output.WriteLine($"  ladder climbs: {rule.LadderClimbs}");
        output.WriteLine($"  succeeded: {rule.Succeeded}");
        output.WriteLine($"  escalated: {rule.Escalated}");
        output.WriteLine($"  cancelled: {rule.Cancelled}");
        output.WriteLine($"  still active at the end: {rule.StillActive}");
        output.WriteLine($"  minimum-healthy: not evaluated ({rule.MinimumHealthyNotEvaluated} {Plural(rule.MinimumHealthyNotEvaluated, "decision")} would have read the cluster)");
        output.WriteLine($"  storm brakes engaged: {rule.StormBrakes.Count}{string.Concat(rule.StormBrakes.Select(s => $"{Environment.NewLine}    {Time(s.At)}: {s.FiringTargets} targets firing"))}");
        output.WriteLine($"  pages: {rule.Pages.Count}");
        foreach (var page in rule.Pages)
        {
            output.WriteLine(page.Policy is null
                ? $"    {Time(page.At)} {page.Target}: {page.Reason}"
                : $"    {Time(page.At)} {page.Target}: {page.Policy} tier {page.Tier}: {string.Join(", ", page.Contacts)} via {string.Join(", ", page.Channels)}");
        }
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";
}
