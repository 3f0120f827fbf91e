using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Persistence;
using Remediator.Persistence.Sagas;
using Remediator.Sagas.Messages;
using Remediator.Sagas.Steps;
using Remediator.Scheduling.Outbox;

namespace Remediator.Sagas.Reconciliation;

/// <summary>
/// Enforces "every unfinished run has a due timer or a message in flight". A run found without the
/// timer its state waits on, unchanged for <see cref="ReconcilerOptions.Grace"/>, gets that timer
/// again (due when it was due, so a timeout already passed fires at once); a run no timer can move
/// on is escalated, saying why. At start on the in-memory transport, a run whose steps had begun in
/// the previous process (its routing slip died with it) has its attempt closed at once: the step
/// journal keeps the step that was acting from being repeated, and verification decides.
/// <para>
/// Safe on every replica: each repair is one unit of work that first claims the run's row at the
/// version it inspected (<see cref="DatabaseSagaStore{TSaga}.TryClaimAsync"/>, a conditional update
/// that holds the row lock to the commit), so of two engines only one repairs, and a run that moved
/// on meanwhile is left alone.
/// </para>
/// </summary>
public sealed partial class RemediationReconciler(
    DatabaseSagaStore<RemediationState> sagas,
    IDatabaseConnectionFactory database,
    TransactionalOutbox outbox,
    DurableConsumers consumers,
    IStepJournal journal,
    RemediationStateMachine machine,
    IEndpointNameFormatter formatter,
    IOptions<RemediationSagaOptions> sagaOptions,
    IOptions<ReconcilerOptions> options,
    ReconcilerMetrics metrics,
    TimeProvider timeProvider,
    ILogger<RemediationReconciler> logger)
{
    private readonly Dictionary<Guid, (long Version, DateTimeOffset Since)> _suspects = [];
    private readonly Uri _sagaAddress = new($"queue:{formatter.Saga<RemediationState>()}");

    /// <summary>
    /// One pass over the unfinished runs; returns how many it repaired. <paramref name="startedAt"/>,
    /// on the pass that follows a start, is when this process started: runs not touched since were
    /// the previous process's.
    /// </summary>
    public async Task<int> ReconcileAsync(DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var broken = new HashSet<Guid>();
        var repaired = 0;
        var checkedRuns = 0;
        foreach (var state in UnfinishedStates)
        {
            await foreach (var stored in ListAsync(state, cancellationToken))
            {
                checkedRuns++;
                if (await InspectAsync(stored, startedAt, now, cancellationToken) is not { } repair)
                {
                    continue;
                }

                var id = stored.Instance.CorrelationId;
                broken.Add(id);
                if (!repair.AtOnce && !HasWaitedOut(id, stored.Version, now))
                {
                    continue;
                }

                if (await RepairAsync(stored, repair, cancellationToken))
                {
                    repaired++;
                    _suspects.Remove(id);
                }
            }
        }

        // What is no longer broken (it moved on, or another engine repaired it) starts afresh.
        foreach (var id in _suspects.Keys.Where(id => !broken.Contains(id)).ToList())
        {
            _suspects.Remove(id);
        }

        LogPass(checkedRuns, broken.Count, repaired, startedAt is not null);
        return repaired;
    }

    private IEnumerable<string> UnfinishedStates =>
        [machine.Pending.Name, machine.WaitingForRoot.Name, machine.AwaitingApproval.Name, machine.Executing.Name, machine.Compensating.Name, machine.Verifying.Name, machine.Cancelling.Name];

    private async IAsyncEnumerable<StoredSaga<RemediationState>> ListAsync(string state, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += SagaListQuery.MaxLimit)
        {
            var page = await sagas.ListAsync(new SagaListQuery { State = state, Limit = SagaListQuery.MaxLimit, Offset = offset }, cancellationToken);
            foreach (var stored in page.Items)
            {
                yield return stored;
            }

            if (page.Items.Count < SagaListQuery.MaxLimit)
            {
                yield break;
            }
        }
    }

    /// <summary>True once the run has been seen broken at this version for the grace period (or is seen so for the first time now).</summary>
    private bool HasWaitedOut(Guid id, long version, DateTimeOffset now)
    {
        if (_suspects.TryGetValue(id, out var suspect) && suspect.Version == version)
        {
            return now - suspect.Since >= options.Value.Grace;
        }

        _suspects[id] = (version, now);
        return false;
    }

    /// <summary>What the run needs, or null when it has its timer.</summary>
    private async Task<Repair?> InspectAsync(StoredSaga<RemediationState> stored, DateTimeOffset? startedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var saga = stored.Instance;
        var run = saga.Run;
        var state = stored.State ?? "";
        if (state == machine.Pending.Name)
        {
            return Escalation(saga, "it was left Pending: the guards' decision was never completed, and no message or timer will move it on");
        }

        var token = TokenOf(saga, state);
        if (token is not { } tokenId)
        {
            return Escalation(saga, $"it is {state} without a timer to end the wait, and none can be armed again");
        }

        if (startedAt is { } started && consumers.CountsReceipts && stored.UpdatedAt < started
            && (state == machine.Executing.Name || state == machine.Compensating.Name || state == machine.Cancelling.Name)
            && await journal.GetProgressAsync(run.RemediationId, run.Attempt, cancellationToken) is { Begun: > 0 } progress)
        {
            return new Repair(
                ReconcilerRepairs.Interrupted,
                $"the engine restarted while attempt {run.Attempt} was {state}: its steps ran in the previous process's in-memory queues and died with it ({progress.Begun} step(s) had begun, {progress.Unfinished} without a known outcome); none is repeated, the attempt is closed and verification decides",
                AtOnce: true,
                Arm(reason => new ExecutionTimedOut { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId, Attempt = run.Attempt, Reason = reason }, now, tokenId));
        }

        if (await outbox.IsArmedAsync(tokenId, cancellationToken))
        {
            return null;
        }

        var (due, arm) = TimerOf(saga, state, tokenId, now);
        return new Repair(
            ReconcilerRepairs.Timer,
            string.Create(CultureInfo.InvariantCulture, $"it is {state} and its timer was missing: armed again, due {(due > now ? due : now):O}"),
            AtOnce: false,
            arm);
    }

    private Repair Escalation(RemediationState saga, string reason) =>
        new(
            ReconcilerRepairs.Escalated,
            reason,
            AtOnce: false,
            Arm(why => new EscalateRemediation { CorrelationId = saga.CorrelationId, RemediationId = saga.Run.RemediationId, Reason = $"escalated by the reconciler: {why}" }, timeProvider.GetUtcNow(), NewId.NextGuid()));

    /// <summary>Sends the message built from the repair's reason to the saga at <paramref name="due"/> (at once when past) under <paramref name="tokenId"/>, in the repair's unit of work.</summary>
    private Func<string, CancellationToken, Task> Arm<T>(Func<string, T> message, DateTimeOffset due, Guid tokenId)
        where T : class
    {
        var now = timeProvider.GetUtcNow();
        return (reason, cancellationToken) => outbox.ScheduleInUnitOfWorkAsync(message(reason), _sagaAddress, due > now ? due : now, tokenId, cancellationToken);
    }

    private Guid? TokenOf(RemediationState saga, string state) =>
        state == machine.AwaitingApproval.Name ? saga.ApprovalTimeoutTokenId
        : state == machine.WaitingForRoot.Name ? saga.RootWaitTimeoutTokenId
        : state == machine.Executing.Name || state == machine.Compensating.Name || state == machine.Cancelling.Name ? saga.ExecutionTimeoutTokenId
        : state == machine.Verifying.Name ? saga.VerificationTimeoutTokenId
        : null;

    /// <summary>When the state's timer was due (from when the run entered the state), and how to arm it again.</summary>
    private (DateTimeOffset Due, Func<string, CancellationToken, Task> Arm) TimerOf(RemediationState saga, string state, Guid tokenId, DateTimeOffset now)
    {
        var run = saga.Run;
        var settings = sagaOptions.Value;
        DateTimeOffset due;
        if (state == machine.AwaitingApproval.Name)
        {
            due = EnteredAt(run, state) + settings.ApprovalTimeout;
            return (due, Arm(_ => new ApprovalTimedOut { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId }, due, tokenId));
        }

        if (state == machine.WaitingForRoot.Name)
        {
            due = run.WaitingFor is { Succeeded: true } ? run.Timeline[^1].At + settings.CascadeSettle : EnteredAt(run, state) + settings.RootWaitTimeout;
            return (due, Arm(_ => new RootWaitTimedOut { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId }, due, tokenId));
        }

        if (state == machine.Verifying.Name)
        {
            due = EnteredAt(run, state) + RemediationStateMachine.VerificationDeadline(run);
            return (due, Arm(_ => new VerificationTimedOut { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId, Attempt = run.Attempt }, due, tokenId));
        }

        // Compensating and Cancelling run under the attempt's execution deadline (the undo's is
        // shorter; a cancelled run whose timer was lost is undone again, which the journal makes safe).
        due = EnteredAt(run, machine.Executing.Name) + machine.ExecutionDeadline(run);
        return (due, Arm(_ => new ExecutionTimedOut { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId, Attempt = run.Attempt }, due, tokenId));
    }

    /// <summary>When the run last entered <paramref name="state"/>: the first entry of the timeline's last stretch in it.</summary>
    private static DateTimeOffset EnteredAt(RemediationRun run, string state)
    {
        var timeline = run.Timeline;
        var last = timeline.Count - 1;
        while (last >= 0 && timeline[last].State != state)
        {
            last--;
        }

        if (last < 0)
        {
            return run.RequestedAt;
        }

        while (last > 0 && timeline[last - 1].State == state)
        {
            last--;
        }

        return timeline[last].At;
    }

    private async Task<bool> RepairAsync(StoredSaga<RemediationState> stored, Repair repair, CancellationToken cancellationToken)
    {
        var saga = stored.Instance;
        var claimed = await database.InUnitOfWorkAsync(
            async token =>
            {
                if (!await sagas.TryClaimAsync(saga.CorrelationId, stored.Version, token))
                {
                    return false;
                }

                await repair.Arm(repair.Reason, token);
                return true;
            },
            cancellationToken);
        if (!claimed)
        {
            return false;
        }

        outbox.Wake();
        metrics.Repaired(repair.Kind);
        LogRepaired(repair.Kind, saga.Run.RemediationId, saga.Run.RuleName, saga.Run.Target?.ToString(), stored.State, repair.Reason);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconciler pass (first after start: {AfterStart}): {Runs} unfinished runs checked, {Broken} found without a timer, {Repaired} repaired")]
    private partial void LogPass(int runs, int broken, int repaired, bool afterStart);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler repair {Kind}: remediation {RemediationId} ({Rule} on {Target}, {State}): {Reason}")]
    private partial void LogRepaired(string kind, Guid remediationId, string rule, string? target, string? state, string reason);

    /// <summary>A repair: what and why, whether it waits out the grace period, and the message that fixes the run, armed in the repair's unit of work.</summary>
    private sealed record Repair(string Kind, string Reason, bool AtOnce, Func<string, CancellationToken, Task> Arm);
}
