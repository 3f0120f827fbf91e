using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Contracts;
using Remediator.Guards.State;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Sagas;
using Remediator.Sagas.Reconciliation;
using Remediator.Sagas.Steps;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Sagas.Tests.Reconciliation;

/// <summary>
/// What the reconciler repairs, on a real database and a fake clock: SQLite here, PostgreSQL in the
/// integration tests (this file is linked there). Each "replica" is a service provider of its own
/// with its own connections, as two engine processes on one database are.
/// </summary>
public abstract class RemediationReconcilerContract : IAsyncLifetime
{
    private readonly Func<Task<TestDatabase>> _createDatabase;
    private readonly List<ServiceProvider> _replicas = [];
    private readonly List<MeterListener> _listeners = [];
    private readonly InMemoryStepJournal _journal = new();
    private readonly List<string> _repairs = [];
    private TestDatabase? _database;

    protected FakeTimeProvider Clock { get; } = TestClock.Create();

    private static TimeSpan Grace => new ReconcilerOptions().Grace;

    private static Uri SagaAddress => new($"queue:{KebabCaseEndpointNameFormatter.Instance.Saga<RemediationState>()}");

    /// <param name="createDatabase">A fresh, empty database for each test, of the provider under test.</param>
    private protected RemediationReconcilerContract(Func<Task<TestDatabase>> createDatabase)
    {
        _createDatabase = createDatabase;
    }

    public async Task InitializeAsync()
    {
        _database = await _createDatabase();
        await Replica().GetRequiredService<DatabaseMigrator>().MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_waiting_run_without_its_timer_gets_it_back_due_when_it_was_due_once_the_grace_period_passed()
    {
        var replica = Replica();
        var saga = await SeedAsync(replica, "AwaitingApproval", s => s.ApprovalTimeoutTokenId = Guid.NewGuid());

        var first = await PassAsync(replica, TimeSpan.FromMinutes(1));
        var second = await PassAsync(replica, Grace);
        var third = await PassAsync(replica, Grace);

        (first, second, third).ShouldBe((0, 1, 0));
        _repairs.ShouldBe([ReconcilerRepairs.Timer]);
        var store = replica.GetRequiredService<IScheduledMessageStore>();
        (await store.ExistsAsync(saga.ApprovalTimeoutTokenId!.Value, default)).ShouldBeTrue();
        var due = TestClock.Start + new RemediationSagaOptions().ApprovalTimeout;
        (await store.ClaimDueAsync(due.AddSeconds(-1), TimeSpan.FromSeconds(30), 10, default)).ShouldBeEmpty();
        var timer = (await store.ClaimDueAsync(due, TimeSpan.FromSeconds(30), 10, default)).ShouldHaveSingleItem().Message;
        timer.TokenId.ShouldBe(saga.ApprovalTimeoutTokenId!.Value);
        timer.Destination.ShouldBe(SagaAddress);
        timer.Body.ShouldContain(nameof(Messages.ApprovalTimedOut));
        (await replica.GetRequiredService<DatabaseSagaStore<RemediationState>>().GetAsync(saga.CorrelationId))!.Version.ShouldBe(2);
    }

    [Fact]
    public async Task A_run_whose_timer_is_armed_is_left_alone()
    {
        var replica = Replica();
        var token = Guid.NewGuid();
        await SeedAsync(replica, "Verifying", s => s.VerificationTimeoutTokenId = token);
        await replica.GetRequiredService<IScheduledMessageStore>().ScheduleAsync(
            new ScheduledMessageRecord(token, SagaAddress, TestClock.Start.AddMinutes(10), "application/vnd.masstransit+json", "{}", new ScheduledMessageIdentity(Guid.NewGuid(), null, null, null, null), new Dictionary<string, string>()),
            default);

        var repaired = await PassAsync(replica, TimeSpan.Zero) + await PassAsync(replica, Grace) + await PassAsync(replica, Grace);

        repaired.ShouldBe(0);
        _repairs.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_run_left_pending_is_escalated_saying_why()
    {
        var replica = Replica();
        var saga = await SeedAsync(replica, "Pending");

        var repaired = await PassAsync(replica, TimeSpan.Zero) + await PassAsync(replica, Grace);

        repaired.ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.Escalated]);
        var sent = (await DueAsync(replica)).ShouldHaveSingleItem();
        sent.Destination.ShouldBe(SagaAddress);
        sent.Body.ShouldContain(nameof(Messages.EscalateRemediation));
        sent.Body.ShouldContain(saga.Run.RemediationId.ToString());
        sent.Body.ShouldContain("left Pending");
    }

    [Fact]
    public async Task A_waiting_run_that_lost_its_token_is_escalated()
    {
        var replica = Replica();
        await SeedAsync(replica, "Executing");

        var repaired = await PassAsync(replica, TimeSpan.Zero) + await PassAsync(replica, Grace);

        repaired.ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.Escalated]);
        (await DueAsync(replica)).ShouldHaveSingleItem().Body.ShouldContain("none can be armed again");
    }

    [Fact]
    public async Task A_run_that_moves_on_within_the_grace_period_is_not_repaired()
    {
        var replica = Replica();
        var saga = await SeedAsync(replica, "AwaitingApproval", s => s.ApprovalTimeoutTokenId = Guid.NewGuid());
        var store = replica.GetRequiredService<DatabaseSagaStore<RemediationState>>();

        var before = await PassAsync(replica, TimeSpan.Zero);
        saga.Run.Note(Clock.GetUtcNow(), "a message arrived");
        (await store.TryUpdateAsync(saga, 1, default)).ShouldBeTrue();
        var after = await PassAsync(replica, Grace);

        (before, after).ShouldBe((0, 0));
        _repairs.ShouldBeEmpty();
    }

    [Fact]
    public async Task At_start_on_the_in_memory_transport_an_attempt_whose_steps_died_is_closed_at_once_and_not_repeated()
    {
        var replica = Replica(inMemoryTransport: true);
        var saga = await SeedBegunAsync(replica);
        var token = saga.ExecutionTimeoutTokenId!.Value;
        var store = replica.GetRequiredService<IScheduledMessageStore>();

        // A run whose slip is still to be sent (its row in the outbox) is not touched.
        var quiet = await SeedExecutingAsync(replica);
        await store.ScheduleAsync(Row(quiet.Run.TrackingNumber!.Value, TestClock.Start.AddMinutes(20)), default);
        Clock.Advance(TimeSpan.FromSeconds(5));

        var repaired = await replica.GetRequiredService<RemediationReconciler>().ReconcileAsync(startedAt: Clock.GetUtcNow(), default);

        repaired.ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.Interrupted]);
        var closed = (await DueAsync(replica)).ShouldHaveSingleItem();
        closed.TokenId.ShouldBe(token);
        closed.Body.ShouldContain(nameof(Messages.ExecutionTimedOut));
        closed.Body.ShouldContain("1 without a known outcome");
        (await _journal.BeginAsync(FirstStep(saga), default)).State.ShouldBe(StepJournalState.Interrupted);
    }

    [Fact]
    public async Task At_start_on_the_in_memory_transport_a_run_whose_slip_was_lost_before_its_first_step_is_escalated_at_once()
    {
        var replica = Replica(inMemoryTransport: true);
        var lost = await SeedExecutingAsync(replica);
        var unsent = await SeedExecutingAsync(replica);
        var store = replica.GetRequiredService<IScheduledMessageStore>();

        // The previous process committed the second run's slip but died before sending it: the
        // outbox keeps its row under the slip's tracking number, and this process sends it.
        await store.ScheduleAsync(Row(unsent.Run.TrackingNumber!.Value, TestClock.Start), default);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var reconciler = replica.GetRequiredService<RemediationReconciler>();

        // While the previous process's slip waits, no run is escalated (it might have been for it);
        // once sent, the run whose slip was lost is, and the one whose slip went out is left alone.
        var whileWaiting = await reconciler.ReconcileAsync(startedAt: Clock.GetUtcNow(), default);
        await SendAsync(store, unsent.Run.TrackingNumber!.Value);
        var repaired = await reconciler.ReconcileAsync(startedAt: null, default);

        whileWaiting.ShouldBe(0);
        repaired.ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.StepsLost]);
        var escalation = (await DueAsync(replica)).Single(d => d.Body.Contains(nameof(Messages.EscalateRemediation), StringComparison.Ordinal));
        escalation.Body.ShouldContain(lost.Run.RemediationId.ToString());
        escalation.Body.ShouldContain("before attempt 1's first step began");
        escalation.Body.ShouldContain("nothing was changed");
    }

    [Fact]
    public async Task At_start_on_the_in_memory_transport_a_cancel_still_in_the_outbox_is_handled_before_the_dead_attempt_is_closed()
    {
        var replica = Replica(inMemoryTransport: true);
        var saga = await SeedBegunAsync(replica);
        var store = replica.GetRequiredService<IScheduledMessageStore>();

        // The previous process accepted a cancel (202: its row committed) and died before sending it.
        var cancel = Guid.NewGuid();
        await store.ScheduleAsync(Row(cancel, TestClock.Start.AddSeconds(1)), default);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var reconciler = replica.GetRequiredService<RemediationReconciler>();

        // Closing the attempt now could end the run (a rule without verification: Succeeded) before
        // the cancel lands; the attempt is left running, its timer in place.
        var atStart = await reconciler.ReconcileAsync(startedAt: Clock.GetUtcNow(), default);
        var stillWaiting = await PassAsync(replica, TimeSpan.FromMinutes(1));
        (atStart, stillWaiting).ShouldBe((0, 0));
        _repairs.ShouldBeEmpty();
        (await DueAsync(replica)).ShouldHaveSingleItem().TokenId.ShouldBe(cancel);

        // This process sends the cancel, and the saga handles it: the run is Cancelling (its row
        // written after this process started). The attempt's steps are still dead: it is closed
        // then, and the Cancelling run undoes what they changed.
        await SendAsync(store, cancel);
        saga.CurrentState = "Cancelling";
        saga.Run.Record(Clock.GetUtcNow(), "Cancelling", "cancelled by sre");
        (await replica.GetRequiredService<DatabaseSagaStore<RemediationState>>().TryUpdateAsync(saga, 1, default)).ShouldBeTrue();
        var afterCancel = await PassAsync(replica, TimeSpan.FromMinutes(1));

        afterCancel.ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.Interrupted]);
        var closed = (await DueAsync(replica)).ShouldHaveSingleItem();
        closed.TokenId.ShouldBe(saga.ExecutionTimeoutTokenId!.Value);
        closed.Body.ShouldContain(nameof(Messages.ExecutionTimedOut));
        closed.Body.ShouldContain("while attempt 1 was Cancelling");
    }

    [Fact]
    public async Task A_run_left_pending_is_not_escalated_while_a_message_older_than_the_grace_period_waits_in_the_outbox()
    {
        var replica = Replica();
        var saga = await SeedAsync(replica, "Pending");
        var store = replica.GetRequiredService<IScheduledMessageStore>();
        var waiting = Guid.NewGuid();
        await store.ScheduleAsync(Row(waiting, TestClock.Start), default);

        var first = await PassAsync(replica, TimeSpan.FromSeconds(1));
        var whileWaiting = await PassAsync(replica, Grace);
        await SendAsync(store, waiting);
        var afterIt = await PassAsync(replica, TimeSpan.FromSeconds(1));

        (first, whileWaiting, afterIt).ShouldBe((0, 0, 1));
        _repairs.ShouldBe([ReconcilerRepairs.Escalated]);
        (await DueAsync(replica)).ShouldHaveSingleItem().Body.ShouldContain(saga.Run.RemediationId.ToString());
    }

    [Fact]
    public async Task A_message_never_handled_holds_a_repair_off_for_two_grace_periods_at_most()
    {
        var replica = Replica();
        await SeedAsync(replica, "Pending");
        await replica.GetRequiredService<IScheduledMessageStore>().ScheduleAsync(Row(Guid.NewGuid(), TestClock.Start), default);

        var found = await PassAsync(replica, TimeSpan.Zero);
        var waitedOut = await PassAsync(replica, Grace);
        var twice = await PassAsync(replica, Grace);

        (found, waitedOut, twice).ShouldBe((0, 0, 1));
        _repairs.ShouldBe([ReconcilerRepairs.Escalated]);
    }

    [Fact]
    public async Task A_run_not_begun_is_left_to_its_deadline_when_its_slip_may_be_in_flight()
    {
        var broker = Replica();
        await SeedExecutingAsync(broker);
        var inMemory = Replica(inMemoryTransport: true);
        var current = await SeedExecutingAsync(inMemory);
        Clock.Advance(TimeSpan.FromSeconds(5));

        // On RabbitMQ the broker holds the slip; on the in-memory transport a run this process
        // already moved (after its start) has its slip in this process's queues.
        var onBroker = await broker.GetRequiredService<RemediationReconciler>().ReconcileAsync(startedAt: Clock.GetUtcNow(), default);
        var sinceStart = await inMemory.GetRequiredService<RemediationReconciler>().ReconcileAsync(startedAt: current.Run.RequestedAt, default);

        (onBroker, sinceStart).ShouldBe((0, 0));
        _repairs.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_slot_whose_run_ended_is_released_after_the_grace_period_and_its_cooldown_starts_at_the_run_s_end()
    {
        var replica = Replica();
        var ended = await SeedAsync(replica, "Escalated", s => s.Run.FinishedAt = TestClock.Start.AddMinutes(1));
        var guards = replica.GetRequiredService<IGuardStateStore>();
        var target = ended.Run.Target!.ToString();
        (await guards.TryAcquireSlotAsync(ended.Run.RemediationId, target, 5, default)).ShouldBeTrue();
        await guards.RecordAttemptAsync(ended.Run.RemediationId, 1, target, TestClock.Start, default);

        var first = await PassAsync(replica, TimeSpan.FromMinutes(2));
        var second = await PassAsync(replica, Grace);
        var third = await PassAsync(replica, Grace);

        (first, second, third).ShouldBe((0, 1, 0));
        _repairs.ShouldBe([ReconcilerRepairs.Slot]);
        (await guards.GetHeldSlotsAsync(default)).ShouldBeEmpty();
        (await guards.GetTargetHistoryAsync(target, TestClock.Start, default)).LastFinishedAt.ShouldBe(TestClock.Start.AddMinutes(1));
    }

    [Fact]
    public async Task A_slot_of_a_run_that_does_not_exist_is_released_and_one_of_an_unfinished_run_never()
    {
        var replica = Replica();
        var active = await SeedAsync(replica, "Verifying", s => s.VerificationTimeoutTokenId = Guid.NewGuid());
        await replica.GetRequiredService<IScheduledMessageStore>().ScheduleAsync(Row(active.VerificationTimeoutTokenId!.Value, TestClock.Start.AddMinutes(20)), default);
        var guards = replica.GetRequiredService<IGuardStateStore>();
        var ghost = Guid.NewGuid();
        (await guards.TryAcquireSlotAsync(ghost, "deployment/shop/ghost", 5, default)).ShouldBeTrue();
        (await guards.TryAcquireSlotAsync(active.Run.RemediationId, active.Run.Target!.ToString(), 5, default)).ShouldBeTrue();

        var repaired = await PassAsync(replica, TimeSpan.Zero) + await PassAsync(replica, Grace) + await PassAsync(replica, Grace);

        repaired.ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.Slot]);
        (await guards.GetHeldSlotsAsync(default)).ShouldHaveSingleItem().RemediationId.ShouldBe(active.Run.RemediationId);
    }

    [Fact]
    public async Task Two_replicas_release_a_leaked_slot_once()
    {
        var first = Replica();
        var second = Replica();
        var ended = await SeedAsync(first, "Succeeded");
        var ghost = Guid.NewGuid();
        var guards = first.GetRequiredService<IGuardStateStore>();
        await guards.TryAcquireSlotAsync(ended.Run.RemediationId, ended.Run.Target!.ToString(), 5, default);
        await guards.TryAcquireSlotAsync(ghost, "deployment/shop/ghost", 5, default);
        await PassAsync(first, TimeSpan.Zero);
        await PassAsync(second, TimeSpan.Zero);
        Clock.Advance(Grace);

        var repaired = await Task.WhenAll(
            first.GetRequiredService<RemediationReconciler>().ReconcileAsync(null, default),
            second.GetRequiredService<RemediationReconciler>().ReconcileAsync(null, default));

        repaired.Sum().ShouldBe(2);
        _repairs.ShouldBe([ReconcilerRepairs.Slot, ReconcilerRepairs.Slot]);
        (await guards.GetHeldSlotsAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_replicas_repair_a_broken_run_once()
    {
        var first = Replica();
        var second = Replica();
        await SeedAsync(first, "Pending");
        await PassAsync(first, TimeSpan.Zero);
        await PassAsync(second, TimeSpan.Zero);
        Clock.Advance(Grace);

        var repaired = await Task.WhenAll(
            first.GetRequiredService<RemediationReconciler>().ReconcileAsync(null, default),
            second.GetRequiredService<RemediationReconciler>().ReconcileAsync(null, default));

        repaired.Sum().ShouldBe(1);
        _repairs.ShouldBe([ReconcilerRepairs.Escalated]);
        (await DueAsync(first)).ShouldHaveSingleItem();
    }

    /// <summary>Stores an Executing run with its slip's tracking number and its execution deadline armed.</summary>
    private static async Task<RemediationState> SeedExecutingAsync(ServiceProvider replica)
    {
        var saga = await SeedAsync(replica, "Executing", s =>
        {
            s.ExecutionTimeoutTokenId = Guid.NewGuid();
            s.Run.TrackingNumber = Guid.NewGuid();
        });
        await replica.GetRequiredService<IScheduledMessageStore>().ScheduleAsync(Row(saga.ExecutionTimeoutTokenId!.Value, TestClock.Start.AddMinutes(20)), default);
        return saga;
    }

    /// <summary>An Executing run (<see cref="SeedExecutingAsync"/>) whose first step the previous process began and died before it finished.</summary>
    private async Task<RemediationState> SeedBegunAsync(ServiceProvider replica)
    {
        var saga = await SeedExecutingAsync(replica);
        (await _journal.BeginAsync(FirstStep(saga), default)).State.ShouldBe(StepJournalState.Begun);
        return saga;
    }

    private static StepJournalKey FirstStep(RemediationState saga) => new(saga.Run.RemediationId, 1, ExecuteStepActivity.ExecutePhase, 0);

    /// <summary>What the dispatcher does once a message is sent and handled: its row goes.</summary>
    private static async Task SendAsync(IScheduledMessageStore store, Guid tokenId) =>
        (await store.CancelAsync(tokenId, default)).ShouldBeTrue();

    private static ScheduledMessageRecord Row(Guid tokenId, DateTimeOffset due) =>
        new(tokenId, SagaAddress, due, "application/vnd.masstransit+json", "{}", new ScheduledMessageIdentity(Guid.NewGuid(), null, null, null, null), new Dictionary<string, string>());

    private async Task<int> PassAsync(ServiceProvider replica, TimeSpan advance)
    {
        Clock.Advance(advance);
        return await replica.GetRequiredService<RemediationReconciler>().ReconcileAsync(startedAt: null, default);
    }

    private async Task<IReadOnlyList<ScheduledMessageRecord>> DueAsync(ServiceProvider replica) =>
        [.. (await replica.GetRequiredService<IScheduledMessageStore>().ClaimDueAsync(Clock.GetUtcNow(), TimeSpan.FromSeconds(30), 100, default)).Select(claimed => claimed.Message)];

    /// <summary>Stores a run in <paramref name="state"/> that entered it at the clock's start, as the saga would have left it.</summary>
    private static async Task<RemediationState> SeedAsync(ServiceProvider replica, string state, Action<RemediationState>? configure = null)
    {
        var steps = new PlannedStep[] { new() { Name = "restart", Action = "restart", Destructive = true } };
        var saga = new RemediationState
        {
            CorrelationId = Guid.NewGuid(),
            CurrentState = state,
            Run = new RemediationRun
            {
                RemediationId = Guid.NewGuid(),
                RuleName = "restart-on-down",
                Target = new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "shop", Name = $"svc-{Guid.NewGuid():N}"[..12] },
                Plan = new RemediationPlan { Steps = steps, Severity = "P2", Safety = new SafetyPolicy() },
                RequestedAt = TestClock.Start,
                Attempt = 1,
                CurrentSteps = steps,
            },
        };
        saga.Run.Record(TestClock.Start, state, $"entered {state}");
        configure?.Invoke(saga);
        (await replica.GetRequiredService<DatabaseSagaStore<RemediationState>>().TryInsertAsync(saga, default)).ShouldBeTrue();
        return saga;
    }

    /// <summary>An engine's reconciler and what it needs, on connections of its own to the test's database.</summary>
    private ServiceProvider Replica(bool inMemoryTransport = false)
    {
        var database = _database?.Options ?? throw new InvalidOperationException("InitializeAsync has not run.");
        var services = new ServiceCollection().AddReplicaSagaStore(database, SagaHostingExtensions.RemediationSagaTable, Clock, inMemoryTransport);
        services.AddSingleton<IStepJournal>(_journal);
        services.AddDatabaseMigration(DatabaseGuardStateStore.Migration);
        services.AddSingleton<IGuardStateStore, DatabaseGuardStateStore>();
        services.AddSingleton(Options.Create(new RemediationSagaOptions()));
        services.AddSingleton(Options.Create(new Kubernetes.Actions.KubernetesActionOptions()));
        services.AddSingleton<RemediationStateMachine>();
        services.AddSingleton(Options.Create(new ReconcilerOptions()));
        services.AddSingleton<ReconcilerMetrics>();
        services.AddSingleton<RemediationReconciler>();
        var provider = services.BuildServiceProvider();
        _replicas.Add(provider);
        Listen(provider.GetRequiredService<IMeterFactory>());
        return provider;
    }

    private void Listen(IMeterFactory meters)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == ReconcilerMetrics.RepairsName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (_repairs)
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "kind")
                    {
                        _repairs.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();
        _listeners.Add(listener);
    }
}
