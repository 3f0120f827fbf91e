using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;
using Remediator.Persistence;
using Remediator.Persistence.Reconciliation;
using Remediator.Persistence.Sagas;
using Remediator.Sagas.Messages;
using Remediator.Sagas.Steps;
using Remediator.Sagas.Verification;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Sagas.Reconciliation;

/// <summary>
/// Enforces "every unfinished run has a due timer or a message in flight". A run found without the
/// timer its state waits on, unchanged for <see cref="ReconcilerOptions.Grace"/>, gets that timer
/// again (due when it was due, so a timeout already passed fires at once); a run no timer can move
/// on is escalated, saying why. At start on the in-memory transport, a run whose steps had begun in
/// the previous process (its routing slip died with it) has its attempt closed at once: the step
/// journal keeps the step that was acting from being repeated, and verification decides; a run
/// whose slip was lost before its first step began is escalated at once (nothing acted, and the
/// guards' decision is too old to act on blind). A concurrency slot that no unfinished run owns
/// (its run ended without releasing it, or never existed) is released once the grace period passed.
/// Then every module's own <see cref="IReconcilerRepair"/> runs (the escalations' tier timers).
/// <para>
/// A message waiting in the outbox is a message in flight: the reconciler repairs no run while a
/// message that may be addressed to it (a cancel accepted before a crash, say) waits there since
/// before the run was found broken. The outbox does not say whom a message is for, so this waits on
/// every message committed that long ago: the restart's repairs until the previous process's
/// messages are handled (on a later pass), the others until those committed before their grace
/// period began are; never longer than two grace periods after the run was found broken (or the
/// process started), so a message that is never handled (its consumer keeps failing) does not hold
/// every repair off.
/// </para>
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
    IScheduledMessageStore messages,
    DurableConsumers consumers,
    IStepJournal journal,
    IGuardStateStore guardState,
    IEnumerable<IReconcilerRepair> moduleRepairs,
    RemediationStateMachine machine,
    IEndpointNameFormatter formatter,
    IOptions<RemediationSagaOptions> sagaOptions,
    IOptions<ReconcilerOptions> options,
    ReconcilerMetrics metrics,
    TimeProvider timeProvider,
    ILogger<RemediationReconciler> logger)
{
    private readonly Dictionary<Guid, (long Version, DateTimeOffset Since)> _suspects = [];
    private readonly Dictionary<Guid, DateTimeOffset> _leakedSlots = [];

    // Attempts left running by the previous process whose closing waits for that process's
    // messages, by run: the restart's inspection applies to them on later passes too, though the
    // message that moved them meanwhile (the cancel) touched their row after this process started.
    private readonly Dictionary<Guid, (int Attempt, DateTimeOffset StartedAt)> _restartsWaiting = [];
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
        var waiting = new HashSet<Guid>();
        var repaired = 0;
        var checkedRuns = 0;
        foreach (var state in UnfinishedStates)
        {
            await foreach (var stored in ListAsync(state, cancellationToken))
            {
                checkedRuns++;
                if (await InspectAsync(stored, startedAt, now, waiting, cancellationToken) is not { } repair)
                {
                    continue;
                }

                var id = stored.Instance.CorrelationId;
                broken.Add(id);
                if (!repair.AtOnce && (!HasWaitedOut(id, stored.Version, now) || await MessagesWaitAsync(_suspects[id].Since, now, cancellationToken)))
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

        foreach (var id in _restartsWaiting.Keys.Where(id => !waiting.Contains(id)).ToList())
        {
            _restartsWaiting.Remove(id);
        }

        repaired += await ReconcileSlotsAsync(now, cancellationToken);

        // What other modules own (the escalations' tier timers) they repair themselves; counted here.
        var pass = new ReconcilerPass(startedAt, options.Value.Grace);
        foreach (var repair in moduleRepairs)
        {
            foreach (var kind in await repair.RepairAsync(pass, cancellationToken))
            {
                repaired++;
                metrics.Repaired(kind);
            }
        }

        LogPass(checkedRuns, broken.Count, repaired, startedAt is not null);
        return repaired;
    }

    /// <summary>
    /// Releases the concurrency slots that no unfinished run owns, once seen so for the grace
    /// period. Ownership stays with the run: a slot whose run is unfinished is never touched.
    /// </summary>
    private async Task<int> ReconcileSlotsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leaked = new HashSet<Guid>();
        var released = 0;
        foreach (var slot in await guardState.GetHeldSlotsAsync(cancellationToken))
        {
            var owner = await FindOwnerAsync(slot, cancellationToken);
            if (owner is { Unfinished: true })
            {
                continue;
            }

            leaked.Add(slot.RemediationId);
            if (!_leakedSlots.TryGetValue(slot.RemediationId, out var since))
            {
                _leakedSlots[slot.RemediationId] = now;
                continue;
            }

            if (now - since < options.Value.Grace)
            {
                continue;
            }

            var reason = owner is { } run
                ? string.Create(CultureInfo.InvariantCulture, $"its run ended {run.Run.State}{(run.Run.FinishedAt is { } at ? $" at {at:O}" : "")} without giving the slot back")
                : "no remediation run with this id exists";
            if (await ReleaseAsync(slot, owner, now, cancellationToken))
            {
                released++;
                _leakedSlots.Remove(slot.RemediationId);
                metrics.Repaired(ReconcilerRepairs.Slot);
                LogSlotReleased(slot.RemediationId, slot.TargetKey, reason);
            }
        }

        foreach (var id in _leakedSlots.Keys.Where(id => !leaked.Contains(id)).ToList())
        {
            _leakedSlots.Remove(id);
        }

        return released;
    }

    /// <summary>The run that took the slot, with its saga row, or null when no run of the slot's target has its id.</summary>
    private async Task<SlotOwner?> FindOwnerAsync(HeldSlot slot, CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += SagaListQuery.MaxLimit)
        {
            var page = await sagas.ListAsync(new SagaListQuery { Key = slot.TargetKey, Limit = SagaListQuery.MaxLimit, Offset = offset }, cancellationToken);
            foreach (var stored in page.Items)
            {
                if (stored.Instance.FindRun(slot.RemediationId) is { } run)
                {
                    var current = run == stored.Instance.Run;
                    return new SlotOwner(stored, run, current && UnfinishedStates.Contains(stored.State ?? ""));
                }
            }

            if (page.Items.Count < SagaListQuery.MaxLimit)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Releases the slot in one unit of work that first claims its run's saga row at the version
    /// inspected (so a run that moved on meanwhile is left to the next pass); true when this
    /// replica removed it.
    /// </summary>
    private Task<bool> ReleaseAsync(HeldSlot slot, SlotOwner? owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InUnitOfWorkAsync(
            async token =>
            {
                if (owner is { } run && !await sagas.TryClaimAsync(run.Saga.Instance.CorrelationId, run.Saga.Version, token))
                {
                    return false;
                }

                return await guardState.ReleaseLeakedSlotAsync(slot.RemediationId, owner?.Run.FinishedAt ?? now, token);
            },
            cancellationToken);

    /// <summary>How long after a run is found broken (or the process started) a repair waits at most for older messages in the outbox: two grace periods.</summary>
    private TimeSpan WaitFor => options.Value.Grace * 2;

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

    /// <summary>
    /// True while a message due before <paramref name="since"/> is still in the outbox (to be sent,
    /// or sent into in-memory queues and not yet handled), up to <see cref="WaitFor"/> after
    /// <paramref name="since"/>: it may be for the run about to be repaired.
    /// </summary>
    private async Task<bool> MessagesWaitAsync(DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        now - since < WaitFor && await messages.CountDueAsync(since, limit: 1, cancellationToken) > 0;

    /// <summary>
    /// When the process started whose previous process left this run's attempt running, or null:
    /// on the pass after a start, a run not touched since; on later passes, a run whose restart
    /// repair waited for the previous process's messages and that is still on that attempt.
    /// </summary>
    private DateTimeOffset? RestartOf(StoredSaga<RemediationState> stored, string state, DateTimeOffset? startedAt)
    {
        if (!consumers.CountsReceipts || (state != machine.Executing.Name && state != machine.Compensating.Name && state != machine.Cancelling.Name))
        {
            return null;
        }

        var run = stored.Instance.Run;
        if (_restartsWaiting.TryGetValue(stored.Instance.CorrelationId, out var waiting) && waiting.Attempt == run.Attempt)
        {
            return waiting.StartedAt;
        }

        return startedAt is { } started && stored.UpdatedAt < started ? started : null;
    }

    /// <summary>What the run needs, or null when it has its timer (or a message in flight); <paramref name="waiting"/> collects the restart repairs that wait.</summary>
    private async Task<Repair?> InspectAsync(StoredSaga<RemediationState> stored, DateTimeOffset? startedAt, DateTimeOffset now, HashSet<Guid> waiting, CancellationToken cancellationToken)
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

        if (RestartOf(stored, state, startedAt) is { } started
            && await InspectRestartedAttemptAsync(saga, state, tokenId, now, cancellationToken) is { } restarted)
        {
            if (!await MessagesWaitAsync(started, now, cancellationToken))
            {
                return restarted;
            }

            // The previous process's messages are handled first (a cancel among them ends the run
            // Cancelled, not Succeeded): the attempt is closed on a later pass.
            _restartsWaiting[saga.CorrelationId] = (run.Attempt, started);
            waiting.Add(saga.CorrelationId);
            LogRestartWaits(run.RemediationId, state, restarted.Kind);
            return null;
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

    /// <summary>
    /// At start on the in-memory transport, an attempt the previous process left running: its
    /// routing slip died with that process's queues unless it is still in the outbox. The step
    /// journal tells whether any step began; null when the slip may still be on its way.
    /// </summary>
    private async Task<Repair?> InspectRestartedAttemptAsync(RemediationState saga, string state, Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var run = saga.Run;
        var progress = await journal.GetProgressAsync(run.RemediationId, run.Attempt, cancellationToken);
        if (progress.Begun > 0)
        {
            return new Repair(
                ReconcilerRepairs.Interrupted,
                $"the engine restarted while attempt {run.Attempt} was {state}: its steps ran in the previous process's in-memory queues and died with it ({progress.Begun} step(s) had begun, {progress.Unfinished} without a known outcome); none is repeated, the attempt is closed and verification decides",
                AtOnce: true,
                Arm(reason => new ExecutionTimedOut { CorrelationId = saga.CorrelationId, RemediationId = run.RemediationId, Attempt = run.Attempt, Reason = reason }, now, tokenId));
        }

        // Not one step began: the slip is lost unless its row still waits in the outbox (the
        // previous process committed it and died before sending it; this one sends it).
        if (state != machine.Executing.Name || (run.TrackingNumber is { } slip && await outbox.IsArmedAsync(slip, cancellationToken)))
        {
            return null;
        }

        return Escalation(
            saga,
            $"the engine restarted before attempt {run.Attempt}'s first step began: its steps were lost with the previous process's in-memory queues and nothing was changed; they are not sent again, since the guards decided on them before the restart (a pause or another run may have come since), so the run is escalated and the alert's next notification starts a fresh run",
            ReconcilerRepairs.StepsLost,
            atOnce: true);
    }

    private Repair Escalation(RemediationState saga, string reason, string kind = ReconcilerRepairs.Escalated, bool atOnce = false) =>
        new(
            kind,
            reason,
            atOnce,
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
            due = EnteredAt(run, state) + run.VerificationDeadline();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciler: remediation {RemediationId} ({State}) was left by the previous process; its repair {Kind} waits until that process's messages still in the outbox are handled")]
    private partial void LogRestartWaits(Guid remediationId, string state, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler repair slot: the concurrency slot of remediation {RemediationId} on {Target} was released: {Reason}")]
    private partial void LogSlotReleased(Guid remediationId, string target, string reason);

    /// <summary>The run a slot belongs to, its saga row, and whether it is the saga's current, unfinished run.</summary>
    private sealed record SlotOwner(StoredSaga<RemediationState> Saga, RemediationRun Run, bool Unfinished);

    /// <summary>A repair: what and why, whether it waits out the grace period, and the message that fixes the run, armed in the repair's unit of work.</summary>
    private sealed record Repair(string Kind, string Reason, bool AtOnce, Func<string, CancellationToken, Task> Arm);
}
