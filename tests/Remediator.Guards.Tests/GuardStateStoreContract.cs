using Remediator.Guards.State;

namespace Remediator.Guards.Tests;

/// <summary>
/// What every <see cref="IGuardStateStore"/> does, run in memory here, on SQLite in
/// Remediator.Tests and on PostgreSQL in the integration tests (this file is linked there).
/// </summary>
public abstract class GuardStateStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private const string Target = "deployment/fintech-services/auth-service";
    private const string OtherTarget = "deployment/fintech-services/payment-service";

    protected abstract IGuardStateStore Store { get; }

    /// <summary>
    /// Another store over the same state, as a second engine process or a restarted one opens it
    /// (a new connection factory on the same database); in memory, the one store there is.
    /// </summary>
    protected abstract IGuardStateStore OpenStore();

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="store"/> as a saga's message is handled: in
    /// one unit of work of the store's database, committed when it returns (in memory: as is).
    /// </summary>
    protected abstract Task<T> InUnitOfWorkAsync<T>(IGuardStateStore store, Func<CancellationToken, Task<T>> work);

    [Fact]
    public async Task Pauses_are_set_replaced_listed_and_removed_by_scope()
    {
        var global = new PauseEntry { Reason = "node upgrades", PausedAt = Start, Until = Start.AddHours(2) };
        var petclinic = new PauseEntry { PausedAt = Start.AddMinutes(1) };
        var replaced = new PauseEntry { Reason = "release freeze", PausedAt = Start.AddMinutes(2) };

        var initially = await Store.GetPausesAsync(default);
        await Store.SetPauseAsync(null, global, default);
        await Store.SetPauseAsync("petclinic", petclinic, default);
        await Store.SetPauseAsync("fintech-services", petclinic, default);
        await Store.SetPauseAsync("fintech-services", replaced, default);
        var set = await Store.GetPausesAsync(default);
        var removedNamespace = await Store.RemovePauseAsync("petclinic", default);
        var removedAgain = await Store.RemovePauseAsync("petclinic", default);
        var afterNamespaceRemoved = await Store.GetPausesAsync(default);
        var removedGlobal = await Store.RemovePauseAsync(null, default);
        var removedGlobalAgain = await Store.RemovePauseAsync(null, default);
        var atEnd = await Store.GetPausesAsync(default);

        initially.Global.ShouldBeNull();
        initially.Namespaces.ShouldBeEmpty();
        set.Global.ShouldBe(global);
        set.Namespaces.Count.ShouldBe(2);
        set.Namespaces["petclinic"].ShouldBe(petclinic);
        set.Namespaces["fintech-services"].ShouldBe(replaced);
        removedNamespace.ShouldBeTrue();
        removedAgain.ShouldBeFalse();
        afterNamespaceRemoved.Global.ShouldBe(global);
        afterNamespaceRemoved.Namespaces.Keys.ShouldBe(["fintech-services"]);
        removedGlobal.ShouldBeTrue();
        removedGlobalAgain.ShouldBeFalse();
        atEnd.Global.ShouldBeNull();
        atEnd.Namespaces.Keys.ShouldBe(["fintech-services"]);
    }

    [Fact]
    public async Task An_attempt_recorded_again_counts_once()
    {
        // A saga retrying its message after a concurrency conflict records the same attempt again.
        var remediation = Guid.NewGuid();
        await Store.RecordAttemptAsync(remediation, 1, Target, Start, default);
        await Store.RecordAttemptAsync(remediation, 1, Target, Start.AddSeconds(1), default);

        (await Store.GetTargetHistoryAsync(Target, Start.AddMinutes(-1), default)).AttemptsSince.ShouldBe([Start]);
    }

    [Fact]
    public async Task A_target_history_holds_its_own_attempts_after_the_instant_oldest_first()
    {
        var remediation = Guid.NewGuid();
        await Store.RecordAttemptAsync(remediation, 1, Target, Start, default);
        await Store.RecordAttemptAsync(remediation, 2, Target, Start.AddMinutes(10), default);
        await Store.RecordAttemptAsync(Guid.NewGuid(), 1, Target, Start.AddMinutes(20), default);
        await Store.RecordAttemptAsync(Guid.NewGuid(), 1, OtherTarget, Start.AddMinutes(15), default);

        var all = await Store.GetTargetHistoryAsync(Target, Start.AddMinutes(-1), default);
        var sinceTen = await Store.GetTargetHistoryAsync(Target, Start.AddMinutes(10), default);
        var unknown = await Store.GetTargetHistoryAsync("deployment/petclinic/vets", Start.AddMinutes(-1), default);

        all.AttemptsSince.ShouldBe([Start, Start.AddMinutes(10), Start.AddMinutes(20)]);
        all.LastFinishedAt.ShouldBeNull();

        // An attempt exactly at the instant has left the window.
        sinceTen.AttemptsSince.ShouldBe([Start.AddMinutes(20)]);
        unknown.ShouldBe(new TargetHistory(null, []), new TargetHistoryComparer());
    }

    [Fact]
    public async Task Only_the_newest_hundred_attempts_of_a_target_are_kept()
    {
        for (var i = 0; i < IGuardStateStore.MaxAttemptsKept + 20; i++)
        {
            await Store.RecordAttemptAsync(Guid.NewGuid(), 1, Target, Start.AddSeconds(i), default);
        }

        await Store.RecordAttemptAsync(Guid.NewGuid(), 1, OtherTarget, Start, default);

        var history = await Store.GetTargetHistoryAsync(Target, DateTimeOffset.MinValue, default);
        var other = await Store.GetTargetHistoryAsync(OtherTarget, DateTimeOffset.MinValue, default);

        history.AttemptsSince.Count.ShouldBe(IGuardStateStore.MaxAttemptsKept);
        history.AttemptsSince[0].ShouldBe(Start.AddSeconds(20));
        history.AttemptsSince[^1].ShouldBe(Start.AddSeconds(IGuardStateStore.MaxAttemptsKept + 19));
        other.AttemptsSince.ShouldBe([Start]);
    }

    [Fact]
    public async Task Slots_are_taken_up_to_the_limit_and_a_holder_keeps_its_own()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var third = Guid.NewGuid();

        var firstTaken = await Store.TryAcquireSlotAsync(first, Target, 2, default);
        var secondTaken = await Store.TryAcquireSlotAsync(second, OtherTarget, 2, default);
        var thirdTaken = await Store.TryAcquireSlotAsync(third, "deployment/petclinic/vets", 2, default);
        var firstAgain = await Store.TryAcquireSlotAsync(first, Target, 2, default);

        firstTaken.ShouldBeTrue();
        secondTaken.ShouldBeTrue();
        thirdTaken.ShouldBeFalse();
        firstAgain.ShouldBeTrue();
        (await Store.IsActiveAsync(first, default)).ShouldBeTrue();
        (await Store.IsActiveAsync(third, default)).ShouldBeFalse();
    }

    [Fact]
    public async Task Releasing_a_slot_frees_it_and_only_an_acting_remediation_starts_a_cooldown()
    {
        var idle = Guid.NewGuid();
        var acting = Guid.NewGuid();
        await Store.TryAcquireSlotAsync(idle, Target, 2, default);
        await Store.TryAcquireSlotAsync(acting, OtherTarget, 2, default);
        await Store.RecordAttemptAsync(acting, 1, OtherTarget, Start, default);

        var idleCooled = await Store.ReleaseSlotAsync(idle, Target, Start.AddMinutes(1), default);
        var actingCooled = await Store.ReleaseSlotAsync(acting, OtherTarget, Start.AddMinutes(2), default);
        var releasedAgain = await Store.ReleaseSlotAsync(acting, OtherTarget, Start.AddMinutes(3), default);
        var newcomers = await Task.WhenAll(
            Store.TryAcquireSlotAsync(Guid.NewGuid(), Target, 2, default),
            Store.TryAcquireSlotAsync(Guid.NewGuid(), Target, 2, default));

        idleCooled.ShouldBeFalse();
        actingCooled.ShouldBeTrue();
        releasedAgain.ShouldBeFalse();
        (await Store.IsActiveAsync(acting, default)).ShouldBeFalse();
        (await Store.GetTargetHistoryAsync(Target, Start.AddMinutes(-1), default)).LastFinishedAt.ShouldBeNull();
        (await Store.GetTargetHistoryAsync(OtherTarget, Start.AddMinutes(-1), default)).LastFinishedAt.ShouldBe(Start.AddMinutes(2));
        newcomers.ShouldAllBe(taken => taken);
    }

    [Fact]
    public async Task Held_slots_are_listed_and_a_leaked_one_is_released_once_keeping_the_target_s_latest_finish()
    {
        var idle = Guid.NewGuid();
        var leaked = Guid.NewGuid();
        var later = Guid.NewGuid();
        await Store.TryAcquireSlotAsync(idle, Target, 5, default);
        await Store.RecordAttemptAsync(leaked, 1, OtherTarget, Start, default);
        await Store.RecordAttemptAsync(later, 1, OtherTarget, Start.AddMinutes(5), default);
        await Store.ReleaseSlotAsync(later, OtherTarget, Start.AddMinutes(10), default);

        var held = await Store.GetHeldSlotsAsync(default);
        var released = await OpenStore().ReleaseLeakedSlotAsync(leaked, Start.AddMinutes(1), default);
        var releasedAgain = await Store.ReleaseLeakedSlotAsync(leaked, Start.AddMinutes(1), default);
        var idleReleased = await Store.ReleaseLeakedSlotAsync(idle, Start.AddMinutes(20), default);

        held.OrderBy(slot => slot.TargetKey, StringComparer.Ordinal).ShouldBe([new HeldSlot(idle, Target, false), new HeldSlot(leaked, OtherTarget, true)]);
        (released, releasedAgain, idleReleased).ShouldBe((true, false, true));
        (await Store.GetHeldSlotsAsync(default)).ShouldBeEmpty();
        (await Store.GetTargetHistoryAsync(OtherTarget, Start.AddMinutes(-1), default)).LastFinishedAt.ShouldBe(Start.AddMinutes(10));
        (await Store.GetTargetHistoryAsync(Target, Start.AddMinutes(-1), default)).LastFinishedAt.ShouldBeNull();
    }

    [Fact]
    public async Task An_acting_remediation_holds_a_slot_even_past_the_limit()
    {
        var holder = Guid.NewGuid();
        var acting = Guid.NewGuid();
        await Store.TryAcquireSlotAsync(holder, Target, 1, default);

        await Store.RecordAttemptAsync(acting, 1, OtherTarget, Start, default);

        (await Store.IsActiveAsync(acting, default)).ShouldBeTrue();
        (await Store.TryAcquireSlotAsync(acting, OtherTarget, 1, default)).ShouldBeTrue();
        await Store.ReleaseSlotAsync(holder, Target, Start.AddMinutes(1), default);
        (await Store.TryAcquireSlotAsync(Guid.NewGuid(), Target, 1, default)).ShouldBeFalse();
        (await Store.ReleaseSlotAsync(acting, OtherTarget, Start.AddMinutes(2), default)).ShouldBeTrue();
        (await Store.TryAcquireSlotAsync(Guid.NewGuid(), Target, 1, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Firing_targets_are_distinct_within_the_window_ordered_by_their_latest_firing()
    {
        await Store.RecordFiringAsync("deployment/a/old", Start, default);
        await Store.RecordFiringAsync("deployment/a/second", Start.AddMinutes(2), default);
        await Store.RecordFiringAsync("deployment/a/first", Start.AddMinutes(1), default);
        await Store.RecordFiringAsync("deployment/a/refired", Start.AddMinutes(1), default);
        await Store.RecordFiringAsync("deployment/a/refired", Start.AddMinutes(3), default);

        // A firing recorded late (another replica's) does not move its target back.
        await Store.RecordFiringAsync("deployment/a/refired", Start.AddMinutes(2), default);
        await Store.RecordFiringAsync("deployment/a/tied", Start.AddMinutes(2), default);

        var inWindow = await Store.GetFiringTargetsAsync(Start.AddMinutes(1), default);
        var counted = await Store.CountFiringTargetsAsync(Start.AddMinutes(1), 100, default);

        inWindow.ShouldBe(["deployment/a/first", "deployment/a/second", "deployment/a/tied", "deployment/a/refired"]);
        counted.ShouldBe(4);
        (await Store.CountFiringTargetsAsync(Start.AddMinutes(3), 100, default)).ShouldBe(1);
    }

    [Fact]
    public async Task A_firing_count_stops_at_the_number_asked_for()
    {
        for (var i = 0; i < 12; i++)
        {
            await Store.RecordFiringAsync($"deployment/a/svc-{i}", Start.AddSeconds(i), default);
        }

        var upToFive = await Store.CountFiringTargetsAsync(Start, 5, default);
        var upToTwelve = await Store.CountFiringTargetsAsync(Start, 12, default);
        var upToMore = await Store.CountFiringTargetsAsync(Start, 13, default);
        var inLaterWindow = await Store.CountFiringTargetsAsync(Start.AddSeconds(10), 5, default);
        var none = await Store.CountFiringTargetsAsync(Start, 0, default);
        var snapshot = await Store.GetSnapshotAsync(Guid.NewGuid(), Target, Start, Start, 4, default);

        upToFive.ShouldBe(5, "five means at least five");
        upToTwelve.ShouldBe(12);
        upToMore.ShouldBe(12);
        inLaterWindow.ShouldBe(2);
        none.ShouldBe(0);
        snapshot.FiringTargets.ShouldBe(4);
    }

    [Fact]
    public async Task A_snapshot_reads_what_the_single_questions_read()
    {
        var active = Guid.NewGuid();
        var finished = Guid.NewGuid();
        await Store.SetPauseAsync("petclinic", new PauseEntry { Reason = "freeze", PausedAt = Start }, default);
        await Store.RecordFiringAsync(Target, Start, default);
        await Store.RecordFiringAsync(OtherTarget, Start.AddMinutes(2), default);
        await Store.RecordAttemptAsync(finished, 1, Target, Start.AddMinutes(1), default);
        await Store.ReleaseSlotAsync(finished, Target, Start.AddMinutes(3), default);
        await Store.RecordAttemptAsync(active, 1, Target, Start.AddMinutes(4), default);
        await Store.TryEngageStormAsync(Start, default);

        var snapshot = await Store.GetSnapshotAsync(active, Target, Start.AddSeconds(30), Start.AddMinutes(1), 100, default);
        var quiet = await Store.GetSnapshotAsync(Guid.NewGuid(), OtherTarget, Start, Start.AddMinutes(5), 100, default);

        snapshot.Pauses.Namespaces.Keys.ShouldBe(["petclinic"]);
        snapshot.Pauses.Namespaces["petclinic"].Reason.ShouldBe("freeze");
        snapshot.FiringTargets.ShouldBe(1);
        snapshot.StormMayBeEngaged.ShouldBeTrue();
        snapshot.Active.ShouldBeTrue();
        snapshot.History.LastFinishedAt.ShouldBe(Start.AddMinutes(3));
        snapshot.History.AttemptsSince.ShouldBe([Start.AddMinutes(1), Start.AddMinutes(4)]);
        quiet.FiringTargets.ShouldBe(0);
        quiet.Active.ShouldBeFalse();
        quiet.History.LastFinishedAt.ShouldBeNull();
        quiet.History.AttemptsSince.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_storm_brake_engages_once_until_released()
    {
        var engaged = await Store.TryEngageStormAsync(Start, default);
        var engagedAgain = await Store.TryEngageStormAsync(Start.AddMinutes(1), default);
        var released = await Store.ReleaseStormAsync(default);
        var releasedAgain = await Store.ReleaseStormAsync(default);
        var reengaged = await Store.TryEngageStormAsync(Start.AddMinutes(2), default);

        engaged.ShouldBeTrue();
        engagedAgain.ShouldBeFalse();
        released.ShouldBeTrue();
        releasedAgain.ShouldBeFalse();
        reengaged.ShouldBeTrue();
    }

    [Fact]
    public async Task Two_stores_racing_for_slots_never_hold_more_than_the_limit()
    {
        const int limit = 5;
        var stores = new[] { Store, OpenStore() };
        var contenders = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();

        var taken = await Task.WhenAll(contenders.Select((remediation, i) =>
            Task.Run(() => stores[i % 2].TryAcquireSlotAsync(remediation, $"deployment/ns/svc-{i}", limit, default))));

        taken.Count(took => took).ShouldBe(limit);
        var active = await Task.WhenAll(contenders.Select(remediation => Store.IsActiveAsync(remediation, default)));
        active.Count(held => held).ShouldBe(limit);
    }

    [Fact]
    public async Task Slots_taken_by_decisions_racing_in_units_of_work_on_two_stores_never_pass_the_limit()
    {
        const int limit = 5;
        var stores = new[] { Store, OpenStore() };

        var taken = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => DecideAsync(stores[i % 2], store => store.TryAcquireSlotAsync(Guid.NewGuid(), $"deployment/ns/svc-{i}", limit, default)))));

        taken.Count(took => took).ShouldBe(limit);
        (await Store.GetHeldSlotsAsync(default)).Count.ShouldBe(limit);
    }

    [Fact]
    public async Task Destructive_decisions_racing_in_units_of_work_on_two_stores_pass_the_storm_threshold_no_more_than_it_allows()
    {
        const int threshold = 3;
        var stores = new[] { Store, OpenStore() };

        // As a saga's start does: record the firing, count the window, act only below the storm.
        var acted = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => DecideAsync(stores[i % 2], async store =>
            {
                await store.RecordFiringAsync($"deployment/ns/svc-{i}", Start.AddSeconds(i), default);
                if (await store.CountFiringTargetsAsync(Start, threshold + 1, default) > threshold)
                {
                    return false;
                }

                await store.ExpectFiringTargetsAtMostAsync(Start, threshold, default);
                return true;
            }))));

        acted.Count(act => act).ShouldBe(threshold);
        (await Store.CountFiringTargetsAsync(Start, 100, default)).ShouldBe(20);
    }

    [Fact]
    public async Task Attempts_on_one_target_racing_in_units_of_work_on_two_stores_never_pass_max_attempts()
    {
        const int maxAttempts = 2;
        var stores = new[] { Store, OpenStore() };

        // Runs of several rules on one target, each counting the target's attempts before its own.
        var acted = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => DecideAsync(stores[i % 2], async store =>
            {
                if ((await store.GetTargetHistoryAsync(Target, Start, default)).AttemptsSince.Count >= maxAttempts)
                {
                    return false;
                }

                await store.ExpectAttemptsAtMostAsync(Target, Start, maxAttempts, default);
                await store.RecordAttemptAsync(Guid.NewGuid(), 1, Target, Start.AddSeconds(i + 1), default);
                return true;
            }))));

        acted.Count(act => act).ShouldBe(maxAttempts);
        (await Store.GetTargetHistoryAsync(Target, Start, default)).AttemptsSince.Count.ShouldBe(maxAttempts);
    }

    [Fact]
    public async Task Of_many_concurrent_callers_on_two_stores_exactly_one_engages_the_storm_brake()
    {
        var stores = new[] { Store, OpenStore() };

        var engaged = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => stores[i % 2].TryEngageStormAsync(Start.AddSeconds(i), default))));

        engaged.Count(won => won).ShouldBe(1);
    }

    /// <summary>
    /// One decision in a unit of work, made again when the store found at commit that decisions
    /// committed since took what it counted on (as the saga endpoint's retry does).
    /// </summary>
    private async Task<T> DecideAsync<T>(IGuardStateStore store, Func<IGuardStateStore, Task<T>> decide)
    {
        const int tries = 50;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InUnitOfWorkAsync(store, _ => decide(store));
            }
            catch (GuardStateChangedException) when (attempt < tries)
            {
                // Overtaken: decide again on the state the other decisions left.
            }
        }
    }

    [Fact]
    public async Task A_store_opened_later_sees_the_state_a_cooldown_included()
    {
        var remediation = Guid.NewGuid();
        var holder = Guid.NewGuid();
        var pause = new PauseEntry { Reason = "maintenance", PausedAt = Start };
        await Store.TryAcquireSlotAsync(remediation, Target, 5, default);
        await Store.RecordAttemptAsync(remediation, 1, Target, Start, default);
        await Store.ReleaseSlotAsync(remediation, Target, Start.AddMinutes(5), default);
        await Store.TryAcquireSlotAsync(holder, OtherTarget, 5, default);
        await Store.SetPauseAsync("petclinic", pause, default);
        await Store.RecordFiringAsync(OtherTarget, Start.AddMinutes(6), default);
        await Store.TryEngageStormAsync(Start.AddMinutes(6), default);

        var restarted = OpenStore();

        (await restarted.GetTargetHistoryAsync(Target, Start.AddMinutes(-1), default))
            .ShouldBe(new TargetHistory(Start.AddMinutes(5), [Start]), new TargetHistoryComparer());
        (await restarted.IsActiveAsync(holder, default)).ShouldBeTrue();
        (await restarted.GetPausesAsync(default)).Namespaces["petclinic"].ShouldBe(pause);
        (await restarted.GetFiringTargetsAsync(Start, default)).ShouldBe([OtherTarget]);
        (await restarted.TryEngageStormAsync(Start.AddMinutes(7), default)).ShouldBeFalse();
    }

    // TargetHistory's list compares by reference; the contract is about its contents.
    private sealed class TargetHistoryComparer : IEqualityComparer<TargetHistory>
    {
        public bool Equals(TargetHistory? x, TargetHistory? y) =>
            x is not null && y is not null && x.LastFinishedAt == y.LastFinishedAt && x.AttemptsSince.SequenceEqual(y.AttemptsSince);

        public int GetHashCode(TargetHistory obj) => obj.LastFinishedAt.GetHashCode();
    }
}
