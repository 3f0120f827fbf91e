using System.Globalization;
using System.Text;
using Remediator.Contracts;
using Remediator.Intake;
using Remediator.Rules;

namespace Remediator.Cli;

/// <summary>
/// <c>remediator rules test --alert payload.json [--rules dir]</c>: a dry run of the matching an
/// alert would get, for rule authors. Nothing is published and nothing touches a cluster.
/// </summary>
public static class RulesTestCommand
{
    public const int Matched = 0;
    public const int NoMatch = 1;
    public const int BadInput = 2;

    /// <summary>Writes the report to <paramref name="output"/>, and why the input is unusable (<see cref="BadInput"/>) to <paramref name="error"/>.</summary>
    public static int Run(FileInfo alertFile, string rulesPath, TimeProvider timeProvider, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(alertFile);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!alertFile.Exists)
        {
            error.WriteLine($"{alertFile.FullName}: error: no such file");
            return BadInput;
        }

        var parsed = AlertmanagerPayloadParser.Parse(File.ReadAllBytes(alertFile.FullName));
        if (!parsed.IsValid)
        {
            error.WriteLine($"{alertFile.FullName}: error: {parsed.Error.Field} {parsed.Error.Message}");
            return BadInput;
        }

        var loaded = RuleLoader.Load([rulesPath]);
        if (!loaded.Succeeded)
        {
            error.WriteLine($"The rules in {rulesPath} have errors:");
            foreach (var diagnostic in loaded.Diagnostics)
            {
                error.WriteLine(diagnostic.ToString());
            }

            return BadInput;
        }

        var ruleSet = loaded.RuleSet!;
        var alerts = parsed.Notification.ToAlertsReceived(timeProvider.GetUtcNow());
        var matchedAlerts = 0;
        var remediations = 0;
        for (var i = 0; i < alerts.Count; i++)
        {
            var alert = alerts[i];
            output.WriteLine($"Alert {i + 1}/{alerts.Count}: {alert.Labels.GetValueOrDefault("alertname", "(no alertname)")} ({Lower(alert.Status)}, fingerprint {alert.Fingerprint})");
            output.WriteLine($"  labels: {FormatMap(alert.Labels)}");
            var evaluation = ruleSet.Evaluate(alert);
            foreach (var unresolved in evaluation.Unresolved)
            {
                output.WriteLine($"  {unresolved.Location}: rule {unresolved.RuleName} selects the alert but cannot remediate it: {unresolved.Reason}");
            }

            if (evaluation.Matches.Count == 0)
            {
                output.WriteLine("  no rule matched");
                continue;
            }

            matchedAlerts++;
            foreach (var match in evaluation.Matches)
            {
                remediations += Describe(alert, match, output);
            }
        }

        output.WriteLine(
            $"{matchedAlerts} of {alerts.Count} {RulesLintCommand.Plural(alerts.Count, "alert")} matched; {remediations} {RulesLintCommand.Plural(remediations, "remediation")} would be requested.");
        return matchedAlerts > 0 ? Matched : NoMatch;
    }

    /// <returns>How many remediations the match would request.</returns>
    private static int Describe(AlertReceived alert, RuleMatch match, TextWriter output)
    {
        var plan = match.Plan;
        output.WriteLine($"  rule {match.RuleName} ({match.SourceFile}): severity {plan.Severity}, escalation {plan.EscalationPolicy ?? "(severity default)"}");
        var blocked = alert.Status == AlertStatus.Resolved
            && (plan.Steps.Any(step => step.Destructive) || plan.Ladder.Any(rung => rung.Steps.Any(step => step.Destructive)));
        if (blocked)
        {
            output.WriteLine("    not remediated: the alert is resolved and the plan has destructive steps");
        }

        if (match.Targets.Count == 0)
        {
            output.WriteLine("    no target resolved from the alert's labels (a template names a label the alert lacks)");
        }

        foreach (var target in match.Targets)
        {
            output.WriteLine($"    target: {target}");
        }

        output.WriteLine("    steps:");
        WriteSteps(plan.Steps, "      ", output);
        if (plan.Verification is { } verification)
        {
            output.WriteLine($"    verify (within {Duration(verification.Window)}): {DescribeVerification(verification)}");
        }
        else
        {
            output.WriteLine("    verify: nothing configured");
        }

        if (plan.Ladder.Count > 0)
        {
            output.WriteLine("    on failure:");
            for (var i = 0; i < plan.Ladder.Count; i++)
            {
                output.WriteLine($"      rung {i + 1}: {plan.Ladder[i].Name}");
                WriteSteps(plan.Ladder[i].Steps, "        ", output);
            }
        }

        var safety = plan.Safety;
        output.WriteLine(
            $"    safety: cooldown {Duration(safety.Cooldown)}, at most {safety.MaxAttempts} {RulesLintCommand.Plural(safety.MaxAttempts, "attempt")} per {Duration(safety.AttemptWindow)}"
            + $"{(safety.DryRun ? ", dry run" : string.Empty)}{(safety.RequireApproval ? ", needs approval" : string.Empty)}"
            + $", namespaces {(safety.AllowedNamespaces.Count == 0 ? "(any)" : string.Join(", ", safety.AllowedNamespaces))}");
        return blocked ? 0 : match.Targets.Count;
    }

    private static void WriteSteps(IReadOnlyList<PlannedStep> steps, string indent, TextWriter output)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{indent}{i + 1}. {step.Name}");
            if (step.Name != step.Action)
            {
                line.Append(CultureInfo.InvariantCulture, $" ({step.Action})");
            }

            if (step.Parameters.Count > 0)
            {
                line.Append(' ').Append(FormatMap(step.Parameters));
            }

            if (step.Target is { } target)
            {
                line.Append(CultureInfo.InvariantCulture, $" on {target}");
            }

            if (step.Timeout is { } timeout)
            {
                line.Append(CultureInfo.InvariantCulture, $", timeout {Duration(timeout)}");
            }

            if (step.ContinueOnError)
            {
                line.Append(", continue on error");
            }

            if (step.Destructive)
            {
                line.Append(", destructive");
            }

            output.WriteLine(line.ToString());
        }
    }

    private static string DescribeVerification(VerificationPlan verification)
    {
        var checks = new List<string>();
        if (verification.RolloutComplete)
        {
            checks.Add("rollout complete");
        }

        if (verification.HealthCheck is { } health)
        {
            var expectation = health.JsonField is null ? string.Empty : $" with {health.JsonField} = {health.ExpectedValue}";
            checks.Add($"GET :{health.Port}{health.Path}{expectation}");
        }

        if (verification.AlertResolvedWithin is { } resolvedWithin)
        {
            checks.Add($"alert resolved within {Duration(resolvedWithin)}");
        }

        if (verification.PromQl is { } promQl)
        {
            checks.Add($"promql {promQl}");
        }

        return checks.Count == 0 ? "(no checks)" : string.Join("; ", checks);
    }

    private static string FormatMap(IReadOnlyDictionary<string, string> map) =>
        "{" + string.Join(", ", map.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}")) + "}";

    private static string Lower(AlertStatus status) => status == AlertStatus.Firing ? "firing" : "resolved";

    /// <summary>Prometheus notation, as in the rule files: <c>1h30m</c>, <c>500ms</c>.</summary>
    internal static string Duration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        Append(text, value.Days / 7, "w");
        Append(text, value.Days % 7, "d");
        Append(text, value.Hours, "h");
        Append(text, value.Minutes, "m");
        Append(text, value.Seconds, "s");
        Append(text, value.Milliseconds, "ms");
        return text.ToString();
    }

    private static void Append(StringBuilder text, int amount, string unit)
    {
        if (amount > 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
