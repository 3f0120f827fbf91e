using Microsoft.Extensions.Diagnostics.HealthChecks;
using Remediator.Contracts;
using Remediator.Intake.Reconcile;
using Remediator.Tests.Shared;

namespace Remediator.Intake.Tests.Reconcile;

/// <summary>One reconcile round against fake Alertmanagers over real HTTP, on the fake clock.</summary>
public sealed class AlertmanagerReconcilerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset _startsAt = TestClock.Start.AddMinutes(-5);

    private FakeAlertmanager _first = null!;
    private FakeAlertmanager _second = null!;

    public async Task InitializeAsync()
    {
        _first = await FakeAlertmanager.StartAsync();
        _second = await FakeAlertmanager.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Alerts_the_engine_never_took_in_are_taken_in_through_the_webhooks_path_and_known_ones_are_not()
    {
        await using var harness = ReconcileHarness.Create(peer => peer.BearerToken = "am-token", _first.Url);
        var known = new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt);
        var missed = new FakeAlert(ReconcileHarness.Fingerprint(2), "payment-service", _startsAt);
        await harness.TookInAsync(known);
        _first.Lists(known, missed);

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(Recovered: 1, AlreadyKnown: 1, Resolved: 0, Invalid: 0, PeersReached: 1, PeersFailed: 0));
        var recovered = harness.Publisher.Published.ShouldHaveSingleItem();
        recovered.Fingerprint.ShouldBe(missed.Fingerprint);
        recovered.Status.ShouldBe(AlertStatus.Firing);
        recovered.Receiver.ShouldBe(ReconcileHarness.Receiver);
        recovered.GroupKey.ShouldBe(AlertmanagerReconciler.GroupKey);
        recovered.Labels["service"].ShouldBe("payment-service");
        recovered.IdempotencyKey.ShouldBe(AlertIdempotencyKey.For(missed.Fingerprint, _startsAt, AlertStatus.Firing));
        harness.Ledger.Services.ShouldBe(["auth-service", "payment-service"]);

        var (query, authorization) = _first.Requests.ShouldHaveSingleItem();
        query.ShouldBe("?active=true&silenced=true&inhibited=true&unprocessed=true&receiver=remediator");
        authorization.ShouldBe("Bearer am-token");
    }

    [Fact]
    public async Task A_second_round_takes_in_nothing_again()
    {
        await using var harness = ReconcileHarness.Create(_first.Url);
        _first.Lists(new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt));
        await harness.Reconciler.ReconcileAsync(CancellationToken.None);
        harness.Publisher.Clear();
        harness.Clock.Advance(TimeSpan.FromMinutes(1));

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(0, 1, 0, 0, 1, 0));
        harness.Publisher.Published.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_silenced_alert_is_neither_taken_in_nor_resolved()
    {
        await using var harness = ReconcileHarness.Create(_first.Url);
        var silencedKnown = new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt, State: "suppressed");
        await harness.TookInAsync(silencedKnown);
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        _first.Lists(silencedKnown, new FakeAlert(ReconcileHarness.Fingerprint(2), "payment-service", _startsAt, State: "suppressed"));

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(0, 0, 0, 0, 1, 0));
        harness.Publisher.Published.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_alert_no_peer_lists_any_more_is_taken_in_resolved_with_its_original_start()
    {
        await using var harness = ReconcileHarness.Create(_first.Url, _second.Url);
        var ended = new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt);
        var stillOnSecond = new FakeAlert(ReconcileHarness.Fingerprint(2), "payment-service", _startsAt);
        await harness.TookInAsync(ended);
        await harness.TookInAsync(stillOnSecond);
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        _first.Lists();
        _second.Lists(stillOnSecond);

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(Recovered: 0, AlreadyKnown: 1, Resolved: 1, Invalid: 0, PeersReached: 2, PeersFailed: 0));
        var resolved = harness.Publisher.Published.ShouldHaveSingleItem();
        resolved.Status.ShouldBe(AlertStatus.Resolved);
        resolved.Fingerprint.ShouldBe(ended.Fingerprint);
        resolved.Labels["service"].ShouldBe("auth-service");
        resolved.EndsAt.ShouldBe(harness.Clock.GetUtcNow());
        resolved.IdempotencyKey.ShouldBe(AlertIdempotencyKey.For(ended.Fingerprint, _startsAt, AlertStatus.Resolved));
        harness.Ledger.Services.ShouldBe(["payment-service"]);

        // Counted per peer like the other outcomes: for the first reachable one, whose listing decided it.
        harness.Measurements.Where(m => m.Instrument == "remediator.reconcile.resolved")
            .ShouldBe([("remediator.reconcile.resolved", 1, $"alertmanager={_first.Url.GetLeftPart(UriPartial.Path).TrimEnd('/')}")]);
    }

    [Fact]
    public async Task An_alert_taken_in_while_the_round_runs_is_not_resolved_by_it()
    {
        await using var harness = ReconcileHarness.Create(_first.Url);
        _first.Lists();
        var fresh = new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt);

        // Recorded at the instant the round starts (the clock stands still): the list may predate it.
        await harness.TookInAsync(fresh);
        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.Resolved.ShouldBe(0);
        harness.Ledger.Services.ShouldBe(["auth-service"]);
    }

    [Fact]
    public async Task Peers_that_disagree_are_read_as_a_union_and_each_alert_is_taken_in_once()
    {
        await using var harness = ReconcileHarness.Create(_first.Url, _second.Url);
        var both = new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt);
        var onlySecond = new FakeAlert(ReconcileHarness.Fingerprint(2), "payment-service", _startsAt);
        _first.Lists(both);
        _second.Lists(both, onlySecond);

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.Recovered.ShouldBe(2);
        harness.Publisher.Published.Select(a => a.Labels["service"]).Order(StringComparer.Ordinal).ShouldBe(["auth-service", "payment-service"]);
    }

    [Fact]
    public async Task A_peer_that_is_down_is_left_out_the_other_carries_on_and_readiness_is_degraded()
    {
        await using var harness = ReconcileHarness.Create(_first.Url, _second.Url);
        var onSecond = new FakeAlert(ReconcileHarness.Fingerprint(2), "payment-service", _startsAt);
        _first.Fails(503);
        _second.Lists(onSecond);

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(1, 0, 0, 0, PeersReached: 1, PeersFailed: 1));
        harness.Publisher.Published.ShouldHaveSingleItem().Fingerprint.ShouldBe(onSecond.Fingerprint);
        var health = await harness.HealthCheck.CheckHealthAsync(new HealthCheckContext());
        health.Status.ShouldBe(HealthStatus.Degraded);
        health.Description.ShouldNotBeNull().ShouldContain($"{_first.Url.GetLeftPart(UriPartial.Authority)}: GET");
        health.Description.ShouldContain("503");
    }

    [Fact]
    public async Task With_no_peer_reachable_nothing_is_resolved()
    {
        await using var harness = ReconcileHarness.Create(_first.Url, _second.Url);
        await harness.TookInAsync(new FakeAlert(ReconcileHarness.Fingerprint(1), "auth-service", _startsAt));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        _first.Fails(500);
        _second.Fails(401);

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(0, 0, 0, 0, 0, 2));
        harness.Publisher.Published.ShouldBeEmpty();
        harness.Ledger.Services.ShouldBe(["auth-service"]);
    }

    [Fact]
    public async Task A_slow_peer_times_out_on_the_clock_and_counts_as_down()
    {
        // One peer only: with a second, advancing the shared fake clock could also time out a
        // request still under way (the 503 test shows the round going on with the other peer).
        await using var harness = ReconcileHarness.Create(_first.Url);
        _first.Hang();

        var reconciling = harness.Reconciler.ReconcileAsync(CancellationToken.None);
        await _first.Holding.Task;
        harness.Clock.Advance(ReconcileHarness.Timeout);
        var round = await reconciling;

        round.ShouldBe(new ReconcileRound(0, 0, 0, 0, PeersReached: 0, PeersFailed: 1));
        var health = await harness.HealthCheck.CheckHealthAsync(new HealthCheckContext());
        health.Status.ShouldBe(HealthStatus.Degraded);
        health.Description.ShouldNotBeNull().ShouldContain("did not answer within Remediator:Reconcile:Timeout");
    }

    [Fact]
    public async Task An_invalid_alert_is_left_out_and_the_valid_ones_are_taken_in()
    {
        await using var harness = ReconcileHarness.Create(_first.Url);
        var valid = new FakeAlert(ReconcileHarness.Fingerprint(2), "payment-service", _startsAt).ToJson().ToJsonString();
        var controlCharacter = new FakeAlert(ReconcileHarness.Fingerprint(1), "auth\nservice", _startsAt).ToJson().ToJsonString();
        _first.ListsRaw($"[{controlCharacter},{valid}]");

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.ShouldBe(new ReconcileRound(1, 0, 0, Invalid: 1, 1, 0));
        harness.Publisher.Published.ShouldHaveSingleItem().Labels["service"].ShouldBe("payment-service");
    }

    [Fact]
    public async Task An_answer_that_is_not_an_alert_list_is_a_peer_error()
    {
        await using var harness = ReconcileHarness.Create(_first.Url);
        _first.ListsRaw("""{"error": "not a list"}""");

        var round = await harness.Reconciler.ReconcileAsync(CancellationToken.None);

        round.PeersFailed.ShouldBe(1);
        (await harness.HealthCheck.CheckHealthAsync(new HealthCheckContext())).Description.ShouldNotBeNull().ShouldContain("is not an alert list");
    }

    [Fact]
    public void Receiver_names_are_quoted_for_Alertmanagers_regular_expression()
    {
        AlertmanagerPeer.ReceiverPattern(["remediator", "team.a+b"]).ShouldBe(@"remediator|team\.a\+b");
    }
}
