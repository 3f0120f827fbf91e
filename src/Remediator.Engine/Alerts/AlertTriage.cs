using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Engine.Rules;
using Remediator.Rules;

namespace Remediator.Engine.Alerts;

/// <summary>
/// Turns an alert into its <see cref="AlertPlan"/> against the rules in force: one request per
/// matching rule and resolved target, stamped with the time it was requested; a resolved alert also
/// tells each matched target's remediation (<see cref="TargetAlertResolved"/>, addressed by rule and
/// target, so the saga finds its instance by id, never by scanning for the fingerprint). Writes
/// nothing: the caller claims the alert and commits the plan (<see cref="Bus.OutboxAlertPublisher"/>).
/// </summary>
public sealed partial class AlertTriage(IAlertMatcher matcher, TimeProvider timeProvider, ILogger<AlertTriage> logger)
{
    public AlertPlan Plan(AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var requests = new List<RemediationRequested>();
        var unresolvedRules = new List<string>();
        var alertName = alert.Labels.GetValueOrDefault("alertname");
        var evaluation = matcher.Evaluate(alert);
        foreach (var unresolved in evaluation.Unresolved)
        {
            unresolvedRules.Add(unresolved.RuleName);
            LogCannotRemediate(unresolved.RuleName, unresolved.SourceFile, alertName, alert.Fingerprint, unresolved.Reason);
        }

        var resolutions = evaluation.Resolving
            .Select(concerned => new TargetAlertResolved { RuleName = concerned.RuleName, Target = concerned.Target, Alert = alert })
            .ToList();
        var now = timeProvider.GetUtcNow();
        foreach (var match in evaluation.Matches)
        {
            if (alert.Status == AlertStatus.Resolved && match.Plan.IsDestructive())
            {
                // The rule set already refuses such rules; this is the engine's own guard.
                LogDestructiveOnResolved(match.RuleName, match.SourceFile, alertName, alert.Fingerprint);
                continue;
            }

            if (match.Targets.Count == 0)
            {
                unresolvedRules.Add(match.RuleName);
                LogNoTarget(match.RuleName, match.SourceFile, alertName, alert.Fingerprint, alert.Labels);
                continue;
            }

            requests.AddRange(match.Targets.Select(target => new RemediationRequested
            {
                RequestId = RemediationRequestId.For(alert.IdempotencyKey, match.RuleName, target),
                RuleName = match.RuleName,
                Target = target,
                Plan = match.Plan,
                Alert = alert,
                RequestedAt = now,
                Upstream = matcher.UpstreamOf(target),
            }));
        }

        if (requests.Count == 0 && resolutions.Count == 0)
        {
            LogNoRemediation(alertName, alert.Status, alert.Fingerprint);
        }

        return new AlertPlan(requests, resolutions, unresolvedRules);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {Rule} ({SourceFile}) selected alert {AlertName} ({Fingerprint}) but cannot remediate it: {Reason}")]
    private partial void LogCannotRemediate(string rule, string sourceFile, string? alertName, string fingerprint, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule {Rule} ({SourceFile}) matched resolved alert {AlertName} ({Fingerprint}) with a destructive plan; not remediating")]
    private partial void LogDestructiveOnResolved(string rule, string sourceFile, string? alertName, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {Rule} ({SourceFile}) matched alert {AlertName} ({Fingerprint}) but selected no target (labels {Labels})")]
    private partial void LogNoTarget(string rule, string sourceFile, string? alertName, string fingerprint, IReadOnlyDictionary<string, string> labels);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertName} ({Status}, {Fingerprint}) needs no remediation")]
    private partial void LogNoRemediation(string? alertName, AlertStatus status, string fingerprint);
}
