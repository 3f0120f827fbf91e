using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Engine.Alerts;
using Remediator.Intake;
using Remediator.Sagas.Joins;
using Remediator.Scheduling.Outbox;

namespace Remediator.Engine.Bus;

/// <summary>
/// Takes a notification's alerts into the engine in one database transaction before the webhook
/// answers 202: each alert's plan (<see cref="AlertTriage"/>), the claim on each alert a rule
/// concerns, and the <see cref="RemediationRequested"/> and <see cref="TargetAlertResolved"/>
/// messages of the alerts claimed, written to the outbox. A claim and the requests it causes commit
/// together or not at all: a failure rolls the claims back too and the sender is told to come back
/// (503), so nothing is lost and nothing is left claimed. A second arrival of an occurrence (an HA
/// peer's copy, a re-send) claims nothing and writes nothing. No <see cref="AlertReceived"/> goes
/// on the bus: the alert travels inside the messages it causes. A request whose rule and target
/// already have an active run is not sent: the alert joins that run as one row in the same
/// transaction (<see cref="IRunJoins"/>), so a burst for a running target costs the saga nothing.
/// </summary>
public sealed class OutboxAlertPublisher(
    DatabaseAlertClaims claims,
    AlertTriage triage,
    IRunJoins joins,
    TransactionalOutbox outbox,
    OutboxPublisher publisher,
    IOptions<BusOptions> options,
    IOptions<DeduplicationOptions> deduplication,
    OutboxBacklogGate backlog,
    RemediatorMetrics metrics,
    TimeProvider timeProvider) : IAlertPublisher
{
    public async Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var settings = options.Value;
        var timeout = settings.PublishTimeout;
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            // Bounded work in flight: past the backlog limit Alertmanager is told to come back later
            // rather than queueing a flood in front of the next real alert.
            if (!await backlog.HasRoomAsync(outbox, alerts.Count, linked.Token))
            {
                throw new AlertBacklogFullException(
                    $"{settings.MaxBacklog} or more messages are waiting to be handled ({BusOptions.SectionName}:{nameof(BusOptions.MaxBacklog)}); not accepting {alerts.Count} more until the engine catches up.");
            }

            // Matching is CPU work on the rules in force, done before the transaction opens so it
            // holds no lock. An alert no rule concerns is not claimed: a second arrival of it (a
            // duplicate, or a resolution sent again) would cause nothing either.
            var planned = alerts.Select(alert => (Alert: alert, Plan: triage.Plan(alert))).Where(item => !item.Plan.IsEmpty).ToList();
            var taken = planned.Count == 0 ? [] : await outbox.InUnitOfWorkAsync(token => TakeAsync(planned, token), linked.Token);
            Count(taken, planned.Count - taken.Count);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A locked or unreachable database turns into a prompt "try later" for the sender.
            throw new AlertPublishException($"The database did not commit {alerts.Count} alerts within {timeout}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not AlertPublishException and not AlertBacklogFullException)
        {
            throw new AlertPublishException($"Storing {alerts.Count} alerts failed: {ex.Message}", ex);
        }
    }

    /// <returns>The alerts this call claimed: their requests joined to active runs or written to the outbox with their resolutions.</returns>
    private async Task<List<TakenAlert>> TakeAsync(List<(AlertReceived Alert, AlertPlan Plan)> planned, CancellationToken cancellationToken)
    {
        var window = deduplication.Value.Window;
        var taken = new List<TakenAlert>(planned.Count);

        // In key order: two notifications sharing alerts (an HA pair's) take their claim rows in the
        // same order, so on PostgreSQL one waits for the other instead of deadlocking.
        foreach (var (alert, plan) in planned.OrderBy(item => item.Alert.IdempotencyKey, StringComparer.Ordinal))
        {
            if (!await claims.TryClaimAsync(alert.IdempotencyKey, window, cancellationToken))
            {
                continue;
            }

            foreach (var resolved in plan.Resolutions)
            {
                await publisher.PublishInUnitOfWorkAsync(resolved, cancellationToken);
            }

            var joined = new List<RemediationRequested>();
            foreach (var request in plan.Requests)
            {
                if (await joins.TryJoinAsync(request, cancellationToken))
                {
                    joined.Add(request);
                }
                else
                {
                    await publisher.PublishInUnitOfWorkAsync(request, cancellationToken);
                }
            }

            taken.Add(new TakenAlert(plan, joined));
        }

        return taken;
    }

    /// <summary>Counts what was committed, never what a rolled-back attempt would have written.</summary>
    private void Count(List<TakenAlert> taken, int duplicates)
    {
        var written = 0;
        foreach (var (plan, joined) in taken)
        {
            foreach (var rule in plan.UnresolvedRules)
            {
                metrics.UnresolvedTarget(rule);
            }

            foreach (var request in plan.Requests)
            {
                if (joined.Contains(request))
                {
                    metrics.RemediationJoined(request.RuleName);
                }
                else
                {
                    metrics.RemediationRequested(request.RuleName);
                }
            }

            written += plan.Requests.Count - joined.Count + plan.Resolutions.Count;
        }

        for (var duplicate = 0; duplicate < duplicates; duplicate++)
        {
            metrics.DuplicateAlert();
        }

        backlog.Accepted(written);
    }

    /// <summary>An alert this call claimed, and those of its requests that joined an active run instead of being sent.</summary>
    private sealed record TakenAlert(AlertPlan Plan, IReadOnlyList<RemediationRequested> Joined);
}
