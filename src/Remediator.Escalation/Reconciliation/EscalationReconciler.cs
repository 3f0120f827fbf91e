using MassTransit;
using Microsoft.Extensions.Logging;
using Remediator.Escalation.Messages;
using Remediator.Persistence;
using Remediator.Persistence.Reconciliation;
using Remediator.Persistence.Sagas;
using Remediator.Scheduling.Outbox;

namespace Remediator.Escalation.Reconciliation;

/// <summary>
/// The escalation's part of "nothing stays stuck": an escalation paging its tiers whose next tier's
/// timer (<see cref="EscalationTierDue"/>) is missing, unchanged for the grace period, gets it back
/// due when it was due (<see cref="EscalationState.NextTierAt"/>; a tier already late is paged at
/// once). One that cannot be resumed (no timer token to arm) is logged, saying why, since paging
/// by guesswork could page the wrong people twice. Each repair is one commit that first claims the
/// escalation's row at the version inspected, so of two replicas only one repairs.
/// </summary>
public sealed partial class EscalationReconciler(
    DatabaseSagaStore<EscalationState> sagas,
    IDatabaseConnectionFactory database,
    TransactionalOutbox outbox,
    IEndpointNameFormatter formatter,
    TimeProvider timeProvider,
    ILogger<EscalationReconciler> logger) : IReconcilerRepair
{
    /// <summary>The repair's kind, as the <c>kind</c> label of <c>remediator_reconciler_repairs_total</c>.</summary>
    public const string TierTimerKind = "escalation-timer";

    private readonly Dictionary<Guid, (long Version, DateTimeOffset Since)> _suspects = [];
    private readonly HashSet<(Guid Id, long Version)> _reported = [];
    private readonly Uri _sagaAddress = new($"queue:{formatter.Saga<EscalationState>()}");

    public async Task<IReadOnlyList<string>> RepairAsync(ReconcilerPass pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var now = timeProvider.GetUtcNow();
        var broken = new HashSet<Guid>();
        var repairs = new List<string>();
        for (var offset = 0; ; offset += SagaListQuery.MaxLimit)
        {
            var page = await sagas.ListAsync(new SagaListQuery { State = nameof(EscalationStateMachine.Paging), Limit = SagaListQuery.MaxLimit, Offset = offset }, cancellationToken);
            foreach (var stored in page.Items)
            {
                var escalation = stored.Instance;

                // No next tier is due (the last was paged): it waits for a human, as it should.
                if (escalation.NextTierAt is not { } due)
                {
                    continue;
                }

                if (escalation.TierDueTokenId is not { } tokenId)
                {
                    broken.Add(escalation.CorrelationId);
                    if (_reported.Add((escalation.CorrelationId, stored.Version)))
                    {
                        LogCannotResume(escalation.CorrelationId, escalation.Policy, escalation.Tier + 2, due, "its tier timer has no token to arm again, so the state machine would not take a new one for its own");
                    }

                    continue;
                }

                if (await outbox.IsArmedAsync(tokenId, cancellationToken))
                {
                    continue;
                }

                broken.Add(escalation.CorrelationId);
                if (!HasWaitedOut(escalation.CorrelationId, stored.Version, now, pass.Grace))
                {
                    continue;
                }

                if (await ReArmAsync(stored, tokenId, due, now, cancellationToken))
                {
                    _suspects.Remove(escalation.CorrelationId);
                    repairs.Add(TierTimerKind);
                    LogReArmed(escalation.CorrelationId, escalation.Policy, escalation.Tier + 2, due > now ? due : now);
                }
            }

            if (page.Items.Count < SagaListQuery.MaxLimit)
            {
                break;
            }
        }

        foreach (var id in _suspects.Keys.Where(id => !broken.Contains(id)).ToList())
        {
            _suspects.Remove(id);
        }

        _reported.RemoveWhere(reported => !broken.Contains(reported.Id));
        return repairs;
    }

    /// <summary>True once the escalation has been seen broken at this version for the grace period.</summary>
    private bool HasWaitedOut(Guid id, long version, DateTimeOffset now, TimeSpan grace)
    {
        if (_suspects.TryGetValue(id, out var suspect) && suspect.Version == version)
        {
            return now - suspect.Since >= grace;
        }

        _suspects[id] = (version, now);
        return false;
    }

    private async Task<bool> ReArmAsync(StoredSaga<EscalationState> stored, Guid tokenId, DateTimeOffset due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var escalation = stored.Instance;
        var claimed = await database.InUnitOfWorkAsync(
            async token =>
            {
                if (!await sagas.TryClaimAsync(escalation.CorrelationId, stored.Version, token))
                {
                    return false;
                }

                await outbox.ScheduleInUnitOfWorkAsync(
                    new EscalationTierDue { RemediationId = escalation.CorrelationId, Tier = escalation.Tier + 1 },
                    _sagaAddress,
                    due > now ? due : now,
                    tokenId,
                    token);
                return true;
            },
            cancellationToken);
        if (claimed)
        {
            outbox.Wake();
        }

        return claimed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler repair escalation-timer: escalation of remediation {RemediationId} (policy {Policy}) was paging without the timer of its tier {Tier}: armed again, due {Due:O}")]
    private partial void LogReArmed(Guid remediationId, string? policy, int tier, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciler: escalation of remediation {RemediationId} (policy {Policy}) cannot be resumed: its tier {Tier} was due {Due:O}, but {Why}; page the next tier by hand")]
    private partial void LogCannotResume(Guid remediationId, string? policy, int tier, DateTimeOffset due, string why);
}
