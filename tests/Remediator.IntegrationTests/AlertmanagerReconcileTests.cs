using System.Text.Json;
using Remediator.Contracts;
using Remediator.Intake.Reconcile;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// Reconciling with a real Alertmanager (Debian's 0.25): the alerts its webhook never delivers
/// (cut by <c>max_alerts</c>, or sent to an engine that was then replaced) reach the engine through
/// <c>GET /api/v2/alerts</c>, and HA peers are read as a union that survives one of them going down.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class AlertmanagerReconcileTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    private static readonly string[] _services = ["auth-service", "payment-service", "ledger-service", "fraud-service", "notification-service"];

    [Fact]
    public async Task Five_firing_alerts_through_a_receiver_with_max_alerts_2_are_all_handled_and_none_twice()
    {
        // One group of five, and a webhook that carries two of them (truncatedAlerts: 3). The
        // interval is long: only the round the truncated notification asks for can bring the others.
        var setup = new AlertmanagerSetup { GroupBy = ["alertname"], MaxAlerts = 2 };
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService, ReconcileSettings.With(TimeSpan.FromHours(1), setup));
        var alertmanager = await StartAlertmanagerAsync(engine, setup);

        await alertmanager.PostAlertsAsync([.. _services.Select(TestAlert.ServiceNotResponding)]);

        foreach (var service in _services)
        {
            await Bus.RemediationsRequested.WaitForAsync(r => r.Target.Name == service, $"a remediation of {service}");
        }

        await VirtualHost.WaitUntilDrainedAsync();
        foreach (var service in _services)
        {
            Bus.RemediationsRequested.All.Count(r => r.Target.Name == service).ShouldBe(1, service);
            (await RemediationsApi.ListAsync(engine, $"deployment/fintech-services/{service}")).Count.ShouldBe(1, service);
        }

        // At most two came by webhook, the rest by reconciling (Alertmanager may flush the group
        // before all five are in, so more than one notification may carry two), and the metric
        // counts what reconciling took in.
        var reconciled = Bus.RemediationsRequested.All.Where(r => r.Alert.GroupKey == AlertmanagerReconciler.GroupKey).Select(r => r.Target.Name).Distinct().ToList();
        reconciled.Count.ShouldBeGreaterThanOrEqualTo(3, string.Join(", ", reconciled));
        (await MetricsAsync(engine)).ShouldContain($"remediator_reconcile_alerts_total{{alertmanager=\"{alertmanager.BaseUrl.GetLeftPart(UriPartial.Authority)}\",outcome=\"recovered\"}} {reconciled.Count}");
    }

    [Fact]
    public async Task An_engine_replaced_by_one_with_an_empty_database_remediates_the_firing_alerts_long_before_repeat_interval()
    {
        var setup = new AlertmanagerSetup();
        var reconcile = ReconcileSettings.With(TimeSpan.FromSeconds(5), setup);
        var first = await StartEngineAsync(TestRules.RestartUnresponsiveService, reconcile);
        var alertmanager = await StartAlertmanagerAsync(first, setup);
        string[] services = ["auth-service", "payment-service"];

        await alertmanager.PostAlertsAsync([.. services.Select(TestAlert.ServiceNotResponding)]);
        foreach (var service in services)
        {
            await WaitForRunAsync(first, service);
        }

        var delivered = await alertmanager.DeliveredWebhookNotificationsAsync();
        await first.KillAsync();

        // A new install (or a database restored from before the alerts): nothing of the first
        // engine's is left, and Alertmanager, which delivered, will not send again for 24 h.
        var fresh = new Dictionary<string, string>(reconcile)
        {
            ["Remediator:Persistence:ConnectionString"] = $"Data Source={Path.Combine(WorkDirectory, "fresh.db")}",
        };
        var second = await StartEngineAsync(TestRules.RestartUnresponsiveService, fresh);
        foreach (var service in services)
        {
            var run = await WaitForRunAsync(second, service);
            run.RuleName.ShouldBe(TestRules.RestartUnresponsiveServiceName);
        }

        (await alertmanager.DeliveredWebhookNotificationsAsync()).ShouldBe(delivered, "the webhook delivered nothing more: the new engine read the alerts itself");
    }

    [Fact]
    public async Task Two_alertmanager_peers_are_read_as_a_union_and_reconciling_goes_on_when_one_is_stopped()
    {
        int[] gossip = [FreePort.Next(), FreePort.Next()];
        var first = new AlertmanagerSetup { Name = "alertmanager-0", ClusterPort = gossip[0], ClusterPeers = [gossip[1]] };
        var second = new AlertmanagerSetup { Name = "alertmanager-1", ClusterPort = gossip[1], ClusterPeers = [gossip[0]] };
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService, ReconcileSettings.With(TimeSpan.FromSeconds(2), first, second));

        // Their webhooks lead nowhere: whatever reaches the engine came by reconciling.
        var nowhere = new Uri($"http://127.0.0.1:{FreePort.Next()}/api/v1/alerts");
        var peers = new[] { await StartAlertmanagerAsync(nowhere, first), await StartAlertmanagerAsync(nowhere, second) };

        // HA peers do not share alerts (Prometheus sends each to all): here they disagree.
        var onlyFirst = TestAlert.ServiceNotResponding("auth-service");
        var onlySecond = TestAlert.ServiceNotResponding("payment-service");
        await peers[0].PostAlertsAsync(onlyFirst);
        await peers[1].PostAlertsAsync(onlySecond);
        await WaitForRunAsync(engine, "auth-service");
        await WaitForRunAsync(engine, "payment-service");

        await peers[0].StopAsync();
        var afterStop = TestAlert.ServiceNotResponding("ledger-service");
        await peers[1].PostAlertsAsync(afterStop);
        await WaitForRunAsync(engine, "ledger-service");

        // The stopped peer's alert is listed by no reachable peer any more: resolved. The other
        // peer's is still firing, and readiness says the engine is degraded, not failing.
        await Bus.TargetsResolved.WaitForAsync(t => t.Target.Name == "auth-service", "the stopped peer's alert to be resolved");
        Bus.TargetsResolved.All.ShouldNotContain(t => t.Target.Name == "payment-service");
        using var readiness = await engine.GetAsync("readyz");
        readiness.IsSuccessStatusCode.ShouldBeTrue();
        using var report = JsonDocument.Parse(await readiness.Content.ReadAsStringAsync());
        var check = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == AlertmanagerReconcileHealthCheck.Name);
        check.GetProperty("status").GetString().ShouldBe("Degraded");
        check.GetProperty("description").GetString().ShouldNotBeNull().ShouldContain(first.BaseUrl.GetLeftPart(UriPartial.Authority));
        var metrics = await MetricsAsync(engine);
        metrics.ShouldContain($"remediator_reconcile_peer_errors_total{{alertmanager=\"{first.BaseUrl.GetLeftPart(UriPartial.Authority)}\",reason=\"unreachable\"}}");

        // The peer still reachable is the one whose listing resolved it.
        metrics.ShouldContain($"remediator_reconcile_resolved_total{{alertmanager=\"{second.BaseUrl.GetLeftPart(UriPartial.Authority)}\"}} 1");
    }

    private static Task<RemediationsApi.ListedRemediation> WaitForRunAsync(EngineProcess engine, string service) =>
        Eventually.ValueAsync(
            async () => await RemediationsApi.ListAsync(engine, $"deployment/fintech-services/{service}") is [var newest, ..] ? newest : null,
            $"a run of {service} in {engine.BaseUrl}",
            diagnostics: engine.Describe);

    private static async Task<string> MetricsAsync(EngineProcess engine)
    {
        using var response = await engine.GetAsync("metrics");
        return await response.Content.ReadAsStringAsync();
    }
}
