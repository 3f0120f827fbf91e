using Remediator.Contracts;
using Remediator.Engine.Bus;
using Remediator.Engine.Rules;
using Remediator.Persistence.WarmUp;
using Remediator.Scheduling.Outbox;

namespace Remediator.Engine.Alerts;

/// <summary>
/// The webhook's way into the engine (<see cref="OutboxAlertPublisher"/>) without its writes: the
/// rules in force evaluate a synthetic alert, the messages an alert causes go through the bus's
/// serializer and back, the outbox's backlog is counted and a unit of work reads the outbox. It
/// claims no alert and writes no row.
/// </summary>
public sealed class AlertPathWarmUp(IAlertMatcher matcher, TransactionalOutbox outbox, OutboxBacklogGate backlog, TimeProvider timeProvider) : IWarmUp
{
    public string Name => "alert path";

    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var alert = SyntheticAlert(now);
        var evaluation = matcher.Evaluate(alert);
        var target = new RemediationTarget { Kind = TargetKind.Deployment, Namespace = WarmUpNames.Synthetic, Name = WarmUpNames.Synthetic };
        var request = new RemediationRequested
        {
            RequestId = RemediationRequestId.For(alert.IdempotencyKey, WarmUpNames.Synthetic, target),
            RuleName = WarmUpNames.Synthetic,
            Target = target,
            Plan = evaluation.Matches.Count > 0 ? evaluation.Matches[0].Plan : SyntheticPlan(target),
            Alert = alert,
            RequestedAt = now,
            Upstream = matcher.UpstreamOf(target),
        };
        BusRoundTrip.Of(request, timeProvider);
        BusRoundTrip.Of(new TargetAlertResolved { RuleName = WarmUpNames.Synthetic, Target = target, Alert = alert with { Status = AlertStatus.Resolved } }, timeProvider);

        // What the webhook reads before and inside its transaction; a key no row has, so nothing is locked or written.
        await backlog.HasRoomAsync(outbox, alerts: 0, cancellationToken);
        await outbox.InUnitOfWorkAsync(token => outbox.IsArmedAsync(Guid.NewGuid(), token), cancellationToken);
    }

    private static AlertReceived SyntheticAlert(DateTimeOffset now) => new()
    {
        Fingerprint = WarmUpNames.Synthetic,
        Status = AlertStatus.Firing,
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = WarmUpNames.Synthetic,
            ["namespace"] = WarmUpNames.Synthetic,
            ["deployment"] = WarmUpNames.Synthetic,
        },
        StartsAt = now,
        Receiver = WarmUpNames.Synthetic,
        GroupKey = WarmUpNames.Synthetic,
        IdempotencyKey = AlertIdempotencyKey.For(WarmUpNames.Synthetic, now, AlertStatus.Firing),
        ReceivedAt = now,
    };

    private static RemediationPlan SyntheticPlan(RemediationTarget target) => new()
    {
        Steps = [new PlannedStep { Name = WarmUpNames.Synthetic, Action = WarmUpNames.Synthetic, Target = target }],
        Severity = WarmUpNames.Synthetic,
        Safety = new SafetyPolicy(),
    };
}
