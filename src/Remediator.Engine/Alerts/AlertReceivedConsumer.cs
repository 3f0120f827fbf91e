using MassTransit;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Engine.Rules;
using Remediator.Rules;

namespace Remediator.Engine.Alerts;

/// <summary>
/// Turns an alert into remediation requests: once per alert occurrence (idempotency key), one
/// request per matching rule and resolved target.
/// </summary>
public sealed class AlertReceivedConsumer(
    IAlertMatcher matcher,
    IAlertDeduplicator deduplicator,
    RemediatorMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AlertReceivedConsumer> logger) : IConsumer<AlertReceived>
{
    public async Task Consume(ConsumeContext<AlertReceived> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var alert = context.Message;
        if (!await deduplicator.TryClaimAsync(alert.IdempotencyKey, context.CancellationToken))
        {
            metrics.DuplicateAlert();
            logger.LogDebug("Alert {IdempotencyKey} was already handled; ignoring the duplicate", alert.IdempotencyKey);
            return;
        }

        try
        {
            foreach (var request in Plan(alert))
            {
                await context.Publish(request, context.CancellationToken);
                metrics.RemediationRequested(request.RuleName);
            }
        }
        catch
        {
            // The claim is given back so the retry (or a redelivery) handles the alert again;
            // request ids are deterministic, so requests published before the failure repeat
            // with the same id. Not on the consume token: a cancelled consume must still give it back.
            await deduplicator.ReleaseAsync(alert.IdempotencyKey, CancellationToken.None);
            throw;
        }
    }

    private List<RemediationRequested> Plan(AlertReceived alert)
    {
        var requests = new List<RemediationRequested>();
        var alertName = alert.Labels.GetValueOrDefault("alertname");
        var evaluation = matcher.Evaluate(alert);
        foreach (var unresolved in evaluation.Unresolved)
        {
            metrics.UnresolvedTarget(unresolved.RuleName);
            logger.LogWarning(
                "Rule {Rule} ({SourceFile}) selected alert {AlertName} ({Fingerprint}) but cannot remediate it: {Reason}",
                unresolved.RuleName,
                unresolved.SourceFile,
                alertName,
                alert.Fingerprint,
                unresolved.Reason);
        }

        foreach (var match in evaluation.Matches)
        {
            if (alert.Status == AlertStatus.Resolved && IsDestructive(match.Plan))
            {
                // The rule set already refuses such rules; this is the engine's own guard.
                logger.LogError(
                    "Rule {Rule} ({SourceFile}) matched resolved alert {AlertName} ({Fingerprint}) with a destructive plan; not remediating",
                    match.RuleName,
                    match.SourceFile,
                    alertName,
                    alert.Fingerprint);
                continue;
            }

            if (match.Targets.Count == 0)
            {
                metrics.UnresolvedTarget(match.RuleName);
                logger.LogWarning(
                    "Rule {Rule} ({SourceFile}) matched alert {AlertName} ({Fingerprint}) but selected no target (labels {Labels})",
                    match.RuleName,
                    match.SourceFile,
                    alertName,
                    alert.Fingerprint,
                    alert.Labels);
                continue;
            }

            var now = timeProvider.GetUtcNow();
            foreach (var target in match.Targets)
            {
                requests.Add(new RemediationRequested
                {
                    RequestId = RemediationRequestId.For(alert.IdempotencyKey, match.RuleName, target),
                    RuleName = match.RuleName,
                    Target = target,
                    Plan = match.Plan,
                    Alert = alert,
                    RequestedAt = now,
                });
            }
        }

        if (requests.Count == 0)
        {
            logger.LogInformation("Alert {AlertName} ({Status}, {Fingerprint}) needs no remediation", alertName, alert.Status, alert.Fingerprint);
        }

        return requests;
    }

    private static bool IsDestructive(RemediationPlan plan) =>
        plan.Steps.Any(step => step.Destructive) || plan.Ladder.Any(rung => rung.Steps.Any(step => step.Destructive));
}
