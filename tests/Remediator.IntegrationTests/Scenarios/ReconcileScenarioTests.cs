using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// A run waiting for its alert to resolve, whose resolution Alertmanager could not deliver because
/// the engine was away: the successor's reconcile round finds the alert gone and completes the run.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class ReconcileScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_alert_that_resolved_while_the_engine_was_away_completes_the_waiting_runs_verification_after_it_starts(EngineStore store)
    {
        var setup = new AlertmanagerSetup();
        var engine = await StartScenarioAsync(store, ShippedRules, ReconcileSettings.With(TimeSpan.FromSeconds(5), setup));
        var alertmanager = await StartAlertmanagerAsync(engine, setup);
        var alert = TestAlert.ServiceNotResponding("auth-service");

        await alertmanager.PostAlertsAsync(alert);
        var verifying = await WaitForRunAsync(engine, "auth-service", run => run.State == "Verifying", "the run to verify after its steps");

        // The engine goes away; the alert resolves meanwhile. Alertmanager's resolved notification
        // goes to the old address and fails; the successor listens elsewhere.
        await engine.KillAsync();
        await alertmanager.PostAlertsAsync(alert.Resolved());
        var successor = await StartEngineAsync();

        var run = await WaitForOutcomeAsync(successor, "auth-service", verifying.Id);
        run.State.ShouldBe("Succeeded", run.Describe());
        run.Timeline.ShouldContain(e => e.Reason.Contains("resolved", StringComparison.Ordinal), run.Describe());
        Cluster.Restarts("auth-service").Count.ShouldBe(1, Cluster.Describe());
    }
}
