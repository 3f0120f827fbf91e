using System.Globalization;
using System.Net;
using System.Text.Json;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.IntegrationTests.Scenarios;
using Remediator.Kubernetes.Simulator;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard in real headless Chromium, over the real engine process on RabbitMQ: what an
/// on-call engineer does with it, clicked through.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class DashboardTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    private const string Operator = "on-call engineer";

    /// <summary>A restart that waits for a human: the run the approval buttons are for.</summary>
    private static readonly string _restartAfterApproval = ScenarioRules.ServiceNotResponding("restart-after-approval", "Restart a fintech service once someone approved it (dashboard tests).", """
        require-approval: true
        steps:
          - action: restart
        """);

    /// <summary>A scale of the service, then a restart of its cache: the run the cancel button stops.</summary>
    private static readonly string _scaleThenRestartCache = ScenarioRules.ServiceNotResponding("scale-then-restart-cache", "Scale a fintech service out and restart its cache (dashboard tests).", """
        steps:
          - action: scale
            replicas: 4
            compensate: undo
          - action: restart
            name: restart-cache
            target: { kind: Deployment, namespace: fintech-services, name: "{{ $labels.service }}-cache" }
          - action: restart
        """);

    [Fact]
    public async Task A_run_awaiting_approval_is_approved_from_the_page_and_its_timeline_and_step_results_are_shown()
    {
        // A cluster to act on: without one the engine runs every remediation in dry-run, which
        // needs no approval.
        await using var cluster = await KubernetesSimulator.StartAsync();
        cluster.Cluster.Create(ResourceType.Deployments, "fintech-services", Manifests.Deployment("cart"));
        var engine = await StartEngineAsync(_restartAfterApproval, await OnClusterAsync(cluster));
        using var browser = SignedIn(engine);
        const string target = "deployment/fintech-services/cart";

        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("cart")])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        var row = browser.Visible($"#active-table tr[data-target='{target}'][data-state='AwaitingApproval']");
        var id = row.GetDomAttribute("data-id");

        browser.Click($"#active-table tr[data-id='{id}'] button[data-action='approve']");
        browser.Visible($"#history-table tr[data-id='{id}'][data-state='Succeeded']");
        browser.Click($"#history-table tr[data-id='{id}'] a");

        browser.TextOf("#detail-heading", heading => heading == $"Remediation of {target}", "the run's details");
        browser.Url.AbsolutePath.ShouldBe($"/remediations/{id}");
        foreach (var state in new[] { "Pending", "AwaitingApproval", "Executing", "Succeeded" })
        {
            browser.Visible($"#timeline li [data-state='{state}']");
        }

        browser.TextOf("#timeline", timeline => timeline.Contains($"approved by {Operator}", StringComparison.Ordinal), "the approval on the timeline");
        browser.Visible("#steps-table tr[data-step='restart'][data-phase='execute'] [data-state='Succeeded']");
        browser.Click("#steps-table tr[data-step='restart'][data-phase='execute'] details summary");
        browser.TextOf("#steps-table tr[data-step='restart'][data-phase='execute'] pre.after", after => after.Contains("\"cart\"", StringComparison.Ordinal), "the restart's after state");

        // The address escalation messages link to, loaded afresh, and its #/ form.
        browser.Open($"remediations/{id}");
        browser.Visible("#detail-summary [data-state='Succeeded']");
        browser.Open($"#/remediations/{id}");
        browser.Visible("#detail-summary [data-state='Succeeded']");
        browser.Url.AbsolutePath.ShouldBe($"/remediations/{id}");
    }

    [Fact]
    public async Task A_run_under_way_is_cancelled_from_the_page_shows_cancelling_and_ends_cancelled_with_its_scale_undone()
    {
        await using var cluster = await KubernetesSimulator.StartAsync();
        cluster.Cluster.Create(ResourceType.Deployments, "fintech-services", Manifests.Deployment("cart", replicas: 2));
        cluster.Cluster.Create(ResourceType.Deployments, "fintech-services", Manifests.Deployment("cart-cache"));
        // The cache's restart stays on the wire long enough for the page to show the cancel under way.
        cluster.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cart-cache", Delay = TimeSpan.FromSeconds(15) });
        var engine = await StartEngineAsync(_scaleThenRestartCache, await OnClusterAsync(cluster));
        using var browser = SignedIn(engine);
        const string target = "deployment/fintech-services/cart";

        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("cart")])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        var id = browser.Visible($"#active-table tr[data-target='{target}'][data-state='Executing']").GetDomAttribute("data-id");
        // The scale reported, so the cache's restart is on the wire when the button is clicked.
        await Eventually.TrueAsync(async () => (await RemediationsApi.ListAsync(engine, target)).Any(run => run.Steps.Any(step => step.Name == "scale")), "the scale's report", diagnostics: engine.Describe);
        browser.Click($"#active-table tr[data-id='{id}'] button[data-action='cancel']");
        browser.Visible($"#active-table tr[data-id='{id}'][data-state='Cancelling'] button[data-action='cancelling'][disabled]");
        browser.Visible($"#history-table tr[data-id='{id}'][data-state='Cancelled']");

        browser.Open($"remediations/{id}");
        browser.TextOf("#timeline", timeline => timeline.Contains($"cancel requested by {Operator}", StringComparison.Ordinal) && timeline.Contains("'scale': undo: ", StringComparison.Ordinal), "the cancel and the undo on the timeline");
        browser.Visible("#steps-table tr[data-step='scale'][data-phase='compensate'] [data-state='Succeeded']");
        cluster.Cluster.Get(ResourceType.Deployments, "fintech-services", "cart")!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Pausing_all_remediation_and_a_namespace_from_the_page_shows_the_pause_and_refuses_new_runs()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        using var browser = SignedIn(engine);
        browser.Visible("#pause-status[data-paused='false']");

        browser.Type("#pause-reason", "database failover drill");
        browser.Click("#pause-all");
        // Pausing everything is confirmed first.
        browser.Visible("#pause-confirm");
        (await PausedAsync(engine)).ShouldBeFalse();
        browser.Click("#pause-all-confirm");

        browser.TextOf("#pause-status[data-paused='true']", text => text.Contains("database failover drill", StringComparison.Ordinal), "the global pause and its reason");
        (await PausedAsync(engine)).ShouldBeTrue();
        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("ledger")])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        browser.TextOf("#history-table tr[data-target='deployment/fintech-services/ledger'][data-state='Refused']", text => text.Contains("paused", StringComparison.Ordinal), "the run refused by the pause");

        browser.Type("#pause-namespace", "fintech-services");
        browser.Click("#pause-namespace-button");
        browser.Visible("#namespace-pauses tr[data-namespace='fintech-services']");
        browser.Click("#namespace-pauses tr[data-namespace='fintech-services'] button");
        browser.Gone("#namespace-pauses tr[data-namespace='fintech-services']");

        browser.Click("#resume-all");
        browser.Visible("#pause-status[data-paused='false']");
        (await PausedAsync(engine)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_rule_file_error_found_by_a_reload_is_shown_while_the_rules_in_force_stay()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        using var browser = SignedIn(engine);
        browser.Visible($"#rules-table tr[data-rule='{TestRules.RestartUnresponsiveServiceName}']");
        await File.WriteAllTextAsync(Path.Combine(WorkDirectory, "rules", "broken.yaml"), """
            rules:
              - name: broken
                matchh: [alertname = Anything]
            """);

        browser.Click("#reload-rules");

        var problem = browser.TextOf(".message.error", text => text.Contains("The rules are invalid", StringComparison.Ordinal), "the reload's problem");
        problem.ShouldContain("HTTP 422");
        problem.ShouldContain("broken.yaml:3:");
        browser.TextOf("#rules-errors", text => text.Contains("broken.yaml:3:", StringComparison.Ordinal), "the last reload's errors");
        browser.Visible($"#rules-table tr[data-rule='{TestRules.RestartUnresponsiveServiceName}']");

        // A link to a run the engine does not know says so.
        browser.Open($"remediations/{Guid.NewGuid()}");
        browser.TextOf("#detail-heading", heading => heading == "Remediation not found", "the unknown run explained");
    }

    [Fact]
    public async Task A_rules_effectiveness_is_charted_and_its_backtest_explains_a_missing_Prometheus()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("ledger")])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        using var browser = SignedIn(engine);

        // Without a cluster the run is a dry run: it ends today, neither verified nor paged.
        browser.TextOf("#history-table tr[data-target='deployment/fintech-services/ledger'][data-state='Succeeded']", _ => true, "the dry run finished");
        browser.Visible($"#insights-rule option[value='{TestRules.RestartUnresponsiveServiceName}']");
        browser.Click("#show-effectiveness");
        browser.TextOf("#effectiveness-table tr[data-window='24h']", text => text.StartsWith("24h 1 0 0 0 0", StringComparison.Ordinal), "one run in the last 24 hours, not verified");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        browser.Visible($"#effectiveness-chart g[data-day='{today}'][data-other='1'] rect");

        browser.Click("#run-backtest");
        browser.TextOf("#insights-message", text => text.Contains("No Prometheus configured (HTTP 409)", StringComparison.Ordinal) && text.Contains("Remediator:Prometheus:Url", StringComparison.Ordinal), "why the backtest cannot run");
    }

    /// <summary>The page open, with the API token and the operator's name saved.</summary>
    private DashboardBrowser SignedIn(EngineProcess engine)
    {
        var browser = DashboardBrowser.Start(engine.BaseUrl, Output);
        try
        {
            browser.Open("/");
            browser.Type("#token", BearerToken);
            browser.Type("#operator", Operator);
            browser.Click("#save-credentials");
            browser.Visible("#pause-status[data-paused]:not([data-paused='unknown'])");
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    /// <summary>The engine's configuration to act on <paramref name="cluster"/> through a kubeconfig.</summary>
    private async Task<Dictionary<string, string>> OnClusterAsync(KubernetesSimulator cluster)
    {
        var kubeconfig = Path.Combine(WorkDirectory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, string.Create(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: simulator
              cluster: {"{"} server: "{cluster.BaseAddress}" {"}"}
            users:
            - name: engine
              user: {"{"} token: "{KubernetesSimulator.DefaultToken}" {"}"}
            contexts:
            - name: simulator
              context: {"{"} cluster: simulator, user: engine {"}"}
            current-context: simulator
            """));
        return new Dictionary<string, string>
        {
            ["Remediator:Kubernetes:Mode"] = "Kubeconfig",
            ["Remediator:Kubernetes:Kubeconfig"] = kubeconfig,
        };
    }

    private static async Task<bool> PausedAsync(EngineProcess engine)
    {
        using var response = await engine.GetAsync("api/v1/pause");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return status.RootElement.GetProperty("paused").GetBoolean();
    }
}
