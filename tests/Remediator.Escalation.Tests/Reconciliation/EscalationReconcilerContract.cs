using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Reconciliation;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Reconciliation;
using Remediator.Persistence.Sagas;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Escalation.Tests.Reconciliation;

/// <summary>
/// What the escalation's repair does, on a real database and a fake clock: SQLite here, PostgreSQL
/// in the integration tests (this file is linked there). Each "replica" is a service provider of
/// its own with its own connections, as two engine processes on one database are.
/// </summary>
public abstract class EscalationReconcilerContract : IAsyncLifetime
{
    private static readonly TimeSpan _grace = TimeSpan.FromMinutes(2);

    private readonly Func<Task<TestDatabase>> _createDatabase;
    private readonly List<ServiceProvider> _replicas = [];
    private TestDatabase? _database;

    protected FakeTimeProvider Clock { get; } = TestClock.Create();

    private static Uri SagaAddress => new($"queue:{KebabCaseEndpointNameFormatter.Instance.Saga<EscalationState>()}");

    /// <param name="createDatabase">A fresh, empty database for each test, of the provider under test.</param>
    private protected EscalationReconcilerContract(Func<Task<TestDatabase>> createDatabase)
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
    public async Task A_paging_escalation_without_its_tier_timer_gets_it_back_due_when_it_was_due_once_the_grace_period_passed()
    {
        var replica = Replica();
        var escalation = await SeedAsync(replica, nameof(EscalationStateMachine.Paging), nextTierIn: TimeSpan.FromMinutes(10));

        var first = await PassAsync(replica, TimeSpan.FromMinutes(1));
        var second = await PassAsync(replica, _grace);
        var third = await PassAsync(replica, _grace);

        first.ShouldBeEmpty();
        second.ShouldBe([EscalationReconciler.TierTimerKind]);
        third.ShouldBeEmpty();
        var store = replica.GetRequiredService<IScheduledMessageStore>();
        var due = TestClock.Start.AddMinutes(10);
        (await store.ClaimDueAsync(due.AddSeconds(-1), TimeSpan.FromSeconds(30), 10, default)).ShouldBeEmpty();
        var timer = (await store.ClaimDueAsync(due, TimeSpan.FromSeconds(30), 10, default)).ShouldHaveSingleItem().Message;
        timer.TokenId.ShouldBe(escalation.TierDueTokenId!.Value);
        timer.Destination.ShouldBe(SagaAddress);
        timer.Body.ShouldContain(nameof(EscalationTierDue));
        timer.Body.ShouldMatch("\"tier\":\\s*1\\b");
    }

    [Fact]
    public async Task A_tier_already_late_is_due_at_once()
    {
        var replica = Replica();
        await SeedAsync(replica, nameof(EscalationStateMachine.Paging), nextTierIn: TimeSpan.FromMinutes(1));

        var repairs = (await PassAsync(replica, TimeSpan.Zero)).Concat(await PassAsync(replica, _grace));

        repairs.ShouldBe([EscalationReconciler.TierTimerKind]);
        (await replica.GetRequiredService<IScheduledMessageStore>().ClaimDueAsync(Clock.GetUtcNow(), TimeSpan.FromSeconds(30), 10, default)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Escalations_with_their_timer_past_their_last_tier_acknowledged_or_without_a_token_are_left_alone()
    {
        var replica = Replica();
        var armed = await SeedAsync(replica, nameof(EscalationStateMachine.Paging), nextTierIn: TimeSpan.FromMinutes(10));
        await replica.GetRequiredService<IScheduledMessageStore>().ScheduleAsync(
            new ScheduledMessageRecord(armed.TierDueTokenId!.Value, SagaAddress, TestClock.Start.AddMinutes(10), "application/vnd.masstransit+json", "{}", new ScheduledMessageIdentity(Guid.NewGuid(), null, null, null, null), new Dictionary<string, string>()),
            default);
        await SeedAsync(replica, nameof(EscalationStateMachine.Paging), nextTierIn: null);
        await SeedAsync(replica, nameof(EscalationStateMachine.Acknowledged), nextTierIn: TimeSpan.FromMinutes(10));

        // No token: the state machine would not take a timer armed under a new one; logged, not guessed.
        await SeedAsync(replica, nameof(EscalationStateMachine.Paging), nextTierIn: TimeSpan.FromMinutes(10), token: false);

        var repairs = (await PassAsync(replica, TimeSpan.Zero)).Concat(await PassAsync(replica, _grace)).Concat(await PassAsync(replica, _grace));

        repairs.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_escalation_that_moves_on_within_the_grace_period_is_not_repaired()
    {
        var replica = Replica();
        var escalation = await SeedAsync(replica, nameof(EscalationStateMachine.Paging), nextTierIn: TimeSpan.FromMinutes(10));

        var before = await PassAsync(replica, TimeSpan.Zero);
        escalation.Note(Clock.GetUtcNow(), "a delivery report arrived");
        (await replica.GetRequiredService<DatabaseSagaStore<EscalationState>>().TryUpdateAsync(escalation, 1, default)).ShouldBeTrue();
        var after = await PassAsync(replica, _grace);

        before.Concat(after).ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_replicas_re_arm_a_missing_tier_timer_once()
    {
        var first = Replica();
        var second = Replica();
        await SeedAsync(first, nameof(EscalationStateMachine.Paging), nextTierIn: TimeSpan.FromMinutes(10));
        await PassAsync(first, TimeSpan.Zero);
        await PassAsync(second, TimeSpan.Zero);
        Clock.Advance(_grace);

        var repairs = await Task.WhenAll(
            first.GetRequiredService<IReconcilerRepair>().RepairAsync(new ReconcilerPass(null, _grace), default),
            second.GetRequiredService<IReconcilerRepair>().RepairAsync(new ReconcilerPass(null, _grace), default));

        repairs.SelectMany(kinds => kinds).ShouldBe([EscalationReconciler.TierTimerKind]);
    }

    private async Task<IReadOnlyList<string>> PassAsync(ServiceProvider replica, TimeSpan advance)
    {
        Clock.Advance(advance);
        return await replica.GetRequiredService<IReconcilerRepair>().RepairAsync(new ReconcilerPass(null, _grace), default);
    }

    /// <summary>Stores an escalation in <paramref name="state"/> whose first tier was paged at the clock's start, as the saga would have left it.</summary>
    private static async Task<EscalationState> SeedAsync(ServiceProvider replica, string state, TimeSpan? nextTierIn, bool token = true)
    {
        var channel = new ChannelDefinition { Name = "hook", Type = ChannelType.Webhook };
        var escalation = new EscalationState
        {
            CorrelationId = Guid.NewGuid(),
            CurrentState = state,
            RemediationCorrelationId = Guid.NewGuid(),
            Policy = "page",
            Tiers =
            [
                new EscalationTier { Name = "primary", Channels = [channel], EscalateAfter = TimeSpan.FromMinutes(10) },
                new EscalationTier { Name = "secondary", Channels = [channel] },
            ],
            Tier = 0,
            NextTierAt = TestClock.Start + nextTierIn,
            TierDueTokenId = token && nextTierIn is not null ? Guid.NewGuid() : null,
            StartedAt = TestClock.Start,
        };
        escalation.Note(TestClock.Start, "paging tier 1 'primary'");
        (await replica.GetRequiredService<DatabaseSagaStore<EscalationState>>().TryInsertAsync(escalation, default)).ShouldBeTrue();
        return escalation;
    }

    /// <summary>An engine's escalation repair and what it needs, on connections of its own to the test's database.</summary>
    private ServiceProvider Replica()
    {
        var database = _database?.Options ?? throw new InvalidOperationException("InitializeAsync has not run.");
        var services = new ServiceCollection().AddReplicaSagaStore(database, EscalationHostingExtensions.EscalationSagaTable, Clock);
        services.AddEscalationReconciliation();
        var provider = services.BuildServiceProvider();
        _replicas.Add(provider);
        return provider;
    }
}
