using System.Globalization;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// Alerts for a target whose run is active join it at the webhook (a row in the webhook's
/// transaction, no message): the run shows them, one of them resolving verifies the run, and a
/// burst for one target makes one run.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class JoinScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const int Joining = 10;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_burst_for_a_running_target_joins_its_one_run_and_a_joined_alert_resolving_verifies_it(EngineStore store)
    {
        var engine = await StartScenarioAsync(store, ScenarioRules.RestartThenScaleOut(verifyWithin: "2m"));
        var first = TestAlert.ServiceNotResponding("auth-service");
        await PostAsync(engine, first);
        var verifying = await WaitForRunAsync(engine, "auth-service", run => run.State == "Verifying", "the run to verify after its restart");

        // Other alerts of the same target (other fingerprints) while the run waits for its alert.
        var joining = Enumerable.Range(0, Joining).Select(_ => TestAlert.ServiceNotResponding("auth-service")).ToList();
        await Task.WhenAll(joining.Select(alert => PostAsync(engine, alert)));

        // The API shows them on the run before anything else happens to it.
        var joined = await WaitForRunAsync(
            engine,
            "auth-service",
            run => run.Id == verifying.Id && run.Timeline.Any(e => e.Reason.StartsWith(string.Create(CultureInfo.InvariantCulture, $"joined by {Joining} alerts"), StringComparison.Ordinal)),
            "the joined alerts to show on the run");
        joined.State.ShouldBe("Verifying", joined.Describe());

        // One of the joined alerts resolving is the run's alert resolving.
        await PostAsync(engine, joining[3].Resolved());

        var run = await WaitForOutcomeAsync(engine, "auth-service", verifying.Id);
        run.State.ShouldBe("Succeeded", run.Describe());
        run.Timeline.ShouldContain(e => e.Reason == $"alert {joining[3].Fingerprint} resolved", run.Describe());
        (await RunsAsync(engine, "auth-service")).ShouldHaveSingleItem(run.Describe());
        Cluster.Restarts("auth-service").Count.ShouldBe(1, Cluster.Describe());

        // None of the joins was a message: the webhook counted them as joins, not requests.
        var metrics = await engine.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Counter(text, "remediator_remediations_joined_total").ShouldBe(Joining, text);
        Counter(text, "remediator_remediations_requested_total").ShouldBe(1, text);
    }

    /// <summary>The sum of a counter's series in a Prometheus exposition.</summary>
    private static double Counter(string exposition, string name) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
