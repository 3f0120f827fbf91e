using Remediator.Backtest.History;
using Remediator.Backtest.Simulation;
using Remediator.Escalation.Policies;
using Remediator.Rules;
using Remediator.Tests.Shared;

namespace Remediator.Backtest.Tests.Simulation;

/// <summary>The simulation's cascade ordering: a dependent's run waits for its root's, as the saga's does.</summary>
public sealed class BacktestSimulatorTests
{
    private const string Rules = """
        defaults:
          cooldown: 15m
          max-attempts: 1
        topology:
          - name: shop
            namespace: shop
            services:
              - name: payment
              - name: checkout
                depends-on: [payment]
        rules:
          - name: restart
            match: [alertname = Down]
            target: { kind: Deployment, namespace: shop, name: "{{ $labels.service }}" }
            steps:
              - action: restart
            verify:
              alert-resolved-within: 10m
        """;

    private static readonly DateTimeOffset _start = TestClock.Start;

    [Fact]
    public async Task A_dependent_waits_for_its_roots_run_and_is_cancelled_when_fixing_the_root_was_enough()
    {
        // payment fires first, checkout (which calls payment) a minute later; both resolve 4 min
        // after payment fired: payment's run succeeds, checkout's, waiting for it, is cancelled.
        var (_, rules, _, _) = await RunAsync(
            Episode("payment", _start, _start.AddMinutes(4)),
            Episode("checkout", _start.AddMinutes(1), _start.AddMinutes(4)));

        var restart = rules.ShouldHaveSingleItem();
        restart.AlertsMatched.ShouldBe(2);
        restart.RunsStarted.ShouldBe(1);
        restart.WaitedForRoot.ShouldBe(1);
        restart.Succeeded.ShouldBe(1);
        restart.Cancelled.ShouldBe(1);
    }

    [Fact]
    public async Task A_dependent_still_firing_after_its_root_failed_acts_on_its_own()
    {
        // payment never resolves in time (escalated at +10m); checkout then runs its own restart.
        var (_, rules, _, timeline) = await RunAsync(
            [Episode("payment", _start, _start.AddMinutes(30)), Episode("checkout", _start.AddMinutes(1), _start.AddMinutes(12))],
            target: "deployment/shop/checkout");

        var restart = rules.ShouldHaveSingleItem();
        restart.RunsStarted.ShouldBe(2);
        restart.WaitedForRoot.ShouldBe(1);
        restart.Escalated.ShouldBe(1);
        restart.Succeeded.ShouldBe(1);
        timeline.ShouldContain(e => e.At == _start.AddMinutes(10) && e.Event.Contains("the root's remediation ended Escalated", StringComparison.Ordinal));
    }

    private static Task<(Reporting.BacktestAlerts, IReadOnlyList<Reporting.RuleBacktest>, IReadOnlyList<Reporting.StormBrake>, IReadOnlyList<Reporting.TimelineEntry>)> RunAsync(params AlertEpisode[] episodes) =>
        RunAsync(episodes, target: null);

    private static async Task<(Reporting.BacktestAlerts, IReadOnlyList<Reporting.RuleBacktest>, IReadOnlyList<Reporting.StormBrake>, IReadOnlyList<Reporting.TimelineEntry>)> RunAsync(AlertEpisode[] episodes, string? target)
    {
        var loaded = RuleLoader.Parse([new RuleSource("shop.yaml", Rules)]);
        loaded.Succeeded.ShouldBeTrue(string.Join(Environment.NewLine, loaded.Diagnostics));
        return await BacktestSimulator.RunAsync(
            loaded.RuleSet!,
            EscalationPolicySet.Empty,
            episodes,
            new BacktestSettings { From = _start, To = _start.AddHours(1), Target = target },
            CancellationToken.None);
    }

    private static AlertEpisode Episode(string service, DateTimeOffset firing, DateTimeOffset resolved)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "Down", ["service"] = service };
        return new AlertEpisode(labels, AlertFingerprint.For(labels), firing, resolved);
    }
}
