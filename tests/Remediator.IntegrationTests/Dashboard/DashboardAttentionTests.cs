using System.Net;
using Remediator.Escalation.Tests;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Dashboard;

/// <summary>
/// What an on-call engineer needs from the dashboard at 3 a.m., in real headless Chromium over
/// the real engine process on RabbitMQ and a simulated cluster: what needs a human leads the page,
/// runs are named by their alerts, the links lead on, Acknowledge is offered only where someone is
/// being paged, a notification that could not be delivered says so, and nothing scrolls sideways.
/// With <c>REMEDIATOR_DASHBOARD_SCREENSHOTS</c> set, the tests also write the screenshots in
/// docs/images/ that docs/dashboard.md shows.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class DashboardAttentionTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    public const string ScreenshotsVariable = "REMEDIATOR_DASHBOARD_SCREENSHOTS";

    private const string ApprovalTarget = "deployment/fintech-services/account-service";
    private const string FailingTarget = "deployment/fintech-services/auth-service";
    private const string Runbook = "https://runbooks.example/fintech/auth-service";

    /// <summary>account-service waits for approval; auth-service is told about, then its restart fails and escalates.</summary>
    private const string Rules = """
        rules:
          - name: restart-after-approval
            match:
              - alertname = ServiceNotResponding
              - service = account-service
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            require-approval: true
            steps:
              - action: restart
            severity: P2
            escalation: it-policy
          - name: tell-then-restart
            match:
              - alertname = ServiceNotResponding
              - service = auth-service
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
              - action: notify
                message: "restarting {{ $labels.service }}"
              - action: restart
            severity: P1
            escalation: it-policy
        """;

    /// <summary>Pages go to a receiver on loopback; the Slack channel for notify steps has its secret only when a test gives it.</summary>
    private static string Policies(Uri receiver) => $$"""
        severity-defaults: { P1: it-policy, P2: it-policy, P3: it-policy, P4: it-policy }
        notify: [slack]
        contacts:
          - { name: primary, role: On-call engineer (primary), person: John Doe }
        channels:
          - { name: pd-primary, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-primary" }
          - { name: slack, type: slack, webhook-url: { secret: slack-url } }
        policies:
          - name: it-policy
            tiers:
              - { name: primary, contacts: [primary], channels: [pd-primary] }
        """;

    [Fact]
    public async Task What_needs_a_human_leads_the_page_with_alert_names_links_and_acknowledge_only_where_someone_is_paged()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var cluster = await SimulatedCluster.StartAsync(WorkDirectory);
        // The restart of auth-service is refused (403, not retried): its run fails and escalates.
        cluster.Api.InjectFault(new Remediator.Kubernetes.Simulator.Fault { Method = "PATCH", PathContains = "/deployments/auth-service", StatusCode = 403, Times = 100 });
        var engine = await StartWithPoliciesAsync(receiver, new Dictionary<string, string>(cluster.EngineConfiguration)
        {
            ["Remediator:Kubernetes:RetryBaseDelay"] = "00:00:00.010",
            ["Remediator:Escalation:Secrets:pd-key"] = "it-routing-key",
        });
        using var browser = DashboardBrowser.Start(engine.BaseUrl, Output);
        SignIn(browser);

        var failing = TestAlert.ServiceNotResponding("auth-service") with
        {
            Annotations = new Dictionary<string, string> { ["runbook_url"] = Runbook, ["summary"] = "auth-service does not answer" },
        };
        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("account-service"), failing])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        // Both need a human: the approval first (it has a deadline), then the escalation.
        var approval = browser.TextOf($"#attention-table tr[data-why='approval'][data-target='{ApprovalTarget}']", text => text.Contains("left", StringComparison.Ordinal), "the run awaiting approval with its time left");
        approval.ShouldContain("ServiceNotResponding");
        approval.ShouldContain("P2");
        var escalated = browser.TextOf($"#attention-table tr[data-why='escalated'][data-target='{FailingTarget}']", text => text.Contains("not acknowledged", StringComparison.Ordinal), "the escalated run");
        escalated.ShouldContain("ServiceNotResponding");
        escalated.ShouldContain("service=auth-service");
        escalated.ShouldContain("P1");
        escalated.ShouldContain("fintech-services");
        escalated.ShouldNotContain(failing.Fingerprint);
        browser.Script<string>("return [...document.querySelectorAll('#attention-table tbody tr')].map(row => row.dataset.why).join(',');").ShouldBe("approval,escalated");
        browser.Script<string>("return [...document.querySelectorAll('main section')].map(section => section.id).join(',');").ShouldStartWith("attention,active,history,rules,rule-insights,pause");

        // Links out: the runbook, the alert's source, its Alertmanager and a silence for it.
        var row = $"#attention-table tr[data-target='{FailingTarget}']";
        browser.Visible($"{row} a[data-link='runbook']").GetDomAttribute("href").ShouldBe(Runbook);
        browser.Visible($"{row} a[data-link='source']").GetDomAttribute("href").ShouldBe("http://prometheus.invalid/graph");
        browser.Visible($"{row} a[data-link='alertmanager']").GetDomAttribute("href").ShouldStartWith("http://alertmanager.invalid/#/alerts?filter=");
        browser.Visible($"{row} a[data-link='silence']").GetDomAttribute("href").ShouldStartWith("http://alertmanager.invalid/#/silences/new?filter=%7Balertname%3D%22ServiceNotResponding%22");

        // Acknowledge where someone is paged, nowhere else.
        browser.Visible($"{row} button[data-action='ack']");
        browser.Count($"#attention-table tr[data-target='{ApprovalTarget}'] button[data-action='ack']").ShouldBe(0);
        browser.Count($"#active-table tr[data-target='{ApprovalTarget}'] button[data-action='ack']").ShouldBe(0);
        browser.FitsWidth().ShouldBeTrue("the overview scrolls sideways at 1280 px");
        Screenshots(browser, "dashboard-overview");

        // The failed run's page: the notify step's delivery failed, and says why.
        browser.Click($"#attention-table tr[data-target='{FailingTarget}'] a.run-link");
        var delivery = browser.TextOf("#steps-table tr[data-phase='deliver'][data-status='Failed']", text => text.Contains("slack", StringComparison.Ordinal), "the failed delivery of the notify step");
        delivery.ShouldContain("secret 'slack-url' is not set");
        browser.Count("#steps-table tr[data-step='notify'][data-status='Succeeded']").ShouldBe(0);
        browser.TextOf("#timeline", timeline => timeline.Contains("not delivered via slack", StringComparison.Ordinal), "the failed delivery on the timeline");
        browser.Visible("#detail-links a[data-link='runbook']");
        browser.FitsWidth().ShouldBeTrue("the run page scrolls sideways at 1280 px");
        Screenshots(browser, "dashboard-run");

        // Acknowledged from the page: the button goes, the escalation says who.
        browser.Click("#detail-buttons button[data-action='ack']");
        browser.TextOf("#detail-escalation", text => text.Contains("acknowledged by on-call engineer", StringComparison.Ordinal), "the acknowledgement");
        browser.Gone("#detail-buttons button[data-action='ack']");
    }

    [Fact]
    public async Task A_dry_run_sends_no_notification_and_says_what_it_would_have_sent()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        // No cluster: every run is a dry run. The Slack channel is usable, so only the dry run stops it.
        var engine = await StartWithPoliciesAsync(receiver, new Dictionary<string, string>
        {
            ["Remediator:Escalation:Secrets:slack-url"] = receiver.Url("/slack").ToString(),
        });
        using var browser = DashboardBrowser.Start(engine.BaseUrl, Output);
        SignIn(browser);
        using (var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("auth-service")])))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        browser.Click($"#history-table tr[data-target='{FailingTarget}'][data-state='Succeeded'] a.run-link");
        var notSent = browser.TextOf("#steps-table tr[data-phase='deliver'][data-status='DryRun']", text => text.Contains("would have sent", StringComparison.Ordinal), "the notify step's dry-run outcome");
        notSent.ShouldContain("restarting auth-service");
        browser.Visible("#steps-table tr[data-step='notify'][data-phase='execute'][data-status='DryRun']");
        browser.TextOf("#timeline", timeline => timeline.Contains("not sent via slack (dry run)", StringComparison.Ordinal), "the dry run's notification on the timeline");
        // The outcome above is the channel's decision not to send; the receiver confirms it.
        receiver.Requests.ShouldBeEmpty();
    }

    private async Task<EngineProcess> StartWithPoliciesAsync(LoopbackReceiver receiver, Dictionary<string, string> configuration)
    {
        var rulesDirectory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rulesDirectory, "rules.yaml"), Rules);
        await File.WriteAllTextAsync(Path.Combine(rulesDirectory, "escalation.yaml"), Policies(receiver.BaseAddress));
        return await StartEngineWithRulesAtAsync(rulesDirectory, configuration);
    }

    private static void SignIn(DashboardBrowser browser)
    {
        browser.Open("/");
        browser.Type("#token", BearerToken);
        browser.Type("#operator", "on-call engineer");
        browser.Click("#save-credentials");
        browser.Visible("#pause-status[data-paused]:not([data-paused='unknown'])");
    }

    /// <summary>
    /// docs/images/{name}-1280.png and -420.png when <see cref="ScreenshotsVariable"/> is set (a
    /// normal test run leaves the working tree alone); the phone width must not scroll sideways either.
    /// </summary>
    private static void Screenshots(DashboardBrowser browser, string name)
    {
        var save = Environment.GetEnvironmentVariable(ScreenshotsVariable) is { Length: > 0 };
        var directory = RepositoryLayout.PathOf("docs", "images");
        if (save)
        {
            Directory.CreateDirectory(directory);
            browser.SaveScreenshot(Path.Combine(directory, $"{name}-1280.png"));
        }

        browser.Viewport(420);
        try
        {
            browser.Until("the page to lay out at 420 px", _ => browser.Script<long>("return document.documentElement.clientWidth;") <= 420);
            browser.FitsWidth().ShouldBeTrue($"{name} scrolls sideways at 420 px");
            if (save)
            {
                browser.SaveScreenshot(Path.Combine(directory, $"{name}-420.png"));
            }
        }
        finally
        {
            browser.Viewport(null);
        }
    }
}
