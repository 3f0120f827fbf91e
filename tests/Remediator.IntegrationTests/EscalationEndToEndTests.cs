using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Escalation.Tests;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// A remediation that fails (its cluster does not answer) pages through the real engine on
/// RabbitMQ and PostgreSQL with short real delays: tier one at once, tier two when its wait runs
/// out, the acknowledgement through the API stops the climb, the resolved alert reaches every
/// channel that was told.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class EscalationEndToEndTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    private const string RoutingKey = "it-routing-key";

    private const string Rules = """
        rules:
          - name: restart-unresponsive
            match:
              - alertname = ServiceNotResponding
              - namespace = fintech-services
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
              - action: restart
            severity: P1
            escalation: it-policy
        """;

    private static string Policies(Uri receiver) => $$"""
        severity-defaults: { P1: it-policy, P2: it-policy, P3: it-policy, P4: it-policy }
        contacts:
          - { name: primary, role: On-call engineer (primary), person: John Doe }
          - { name: secondary, role: On-call engineer (secondary), person: Jane Smith }
        channels:
          - { name: pd-primary, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-primary" }
          - { name: pd-secondary, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-secondary" }
          - { name: pd-lead, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-lead" }
          - { name: slack, type: slack, webhook-url: { secret: slack-url } }
        policies:
          - name: it-policy
            tiers:
              - { name: primary, contacts: [primary], channels: [pd-primary, slack], escalate-after: 3s }
              - { name: secondary, contacts: [secondary], channels: [pd-secondary], escalate-after: 1h }
              - { name: lead, channels: [pd-lead] }
        """;

    [Fact]
    public async Task An_escalated_remediation_climbs_tiers_until_acknowledged_and_every_channel_hears_the_resolution()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var database = await CreateDatabaseAsync();
        var rulesDirectory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rulesDirectory, "rules.yaml"), Rules);
        await File.WriteAllTextAsync(Path.Combine(rulesDirectory, "escalation.yaml"), Policies(receiver.BaseAddress));
        // A cluster that refuses the restart (403, which is not retried): the remediation escalates.
        // The API itself answers, so the engine is ready.
        await using var cluster = await SimulatedCluster.StartAsync(WorkDirectory);
        cluster.Api.InjectFault(new Remediator.Kubernetes.Simulator.Fault { Method = "PATCH", PathContains = "/deployments/auth-service", StatusCode = 403, Times = 100 });
        var engine = await StartEngineWithRulesAtAsync(rulesDirectory, new Dictionary<string, string>
        {
            ["Remediator:Persistence:Provider"] = "Postgres",
            ["Remediator:Persistence:ConnectionString"] = database.ConnectionString,
            ["Remediator:Kubernetes:Mode"] = "Kubeconfig",
            ["Remediator:Kubernetes:Kubeconfig"] = cluster.KubeconfigPath,
            ["Remediator:Kubernetes:RetryBaseDelay"] = "00:00:00.010",
            ["Remediator:Scheduling:PollInterval"] = "00:00:00.200",
            ["Remediator:Escalation:PublicBaseUrl"] = "https://remediator.example",
            ["Remediator:Escalation:Secrets:pd-key"] = RoutingKey,
            ["Remediator:Escalation:Secrets:slack-url"] = receiver.Url("/slack").ToString(),
        });
        var firing = TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("auth-service")]);
        using (var response = await engine.PostWebhookAsync(firing))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        // The restart fails: the remediation escalates and tier one is paged at once.
        var page = (await receiver.WaitForAsync(r => r.Path == "/pd-primary" && Action(r) == "trigger")).Single();
        page.Json["routing_key"]!.GetValue<string>().ShouldBe(RoutingKey);
        page.Json["payload"]!["source"]!.GetValue<string>().ShouldBe("deployment/fintech-services/auth-service");
        page.Json["links"]![1]!["href"]!.GetValue<string>().ShouldBe("http://prometheus.invalid/graph");
        var dedupKey = page.Json["dedup_key"]!.GetValue<string>();
        var remediationId = Guid.Parse(dedupKey["remediator-".Length..]);
        (await receiver.WaitForAsync(r => r.Path == "/slack")).Single().Json["text"]!.GetValue<string>().ShouldStartWith("[P1] Remediation escalated: restart-unresponsive on deployment/fintech-services/auth-service");

        // Three seconds later (the durable scheduler, in PostgreSQL), tier two.
        await receiver.WaitForAsync(r => r.Path == "/pd-secondary" && Action(r) == "trigger" && DedupKey(r) == dedupKey);

        using var http = new HttpClient { BaseAddress = engine.BaseUrl };
        await Eventually.TrueAsync(
            async () => (await EscalationAsync(http, remediationId))?["channelsTold"]?.AsArray().Count == 3,
            "the escalation to record three channels told",
            diagnostics: engine.Describe);
        using (var ack = await engine.PostJsonAsync($"api/v1/remediations/{remediationId}/ack", """{"by":"jane"}"""))
        {
            ack.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await receiver.WaitForAsync(r => r.Path == "/pd-primary" && Action(r) == "acknowledge" && DedupKey(r) == dedupKey);
        await receiver.WaitForAsync(r => r.Path == "/pd-secondary" && Action(r) == "acknowledge" && DedupKey(r) == dedupKey);

        using (var response = await engine.PostWebhookAsync(Resolved(firing)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await receiver.WaitForAsync(r => r.Path == "/pd-primary" && Action(r) == "resolve" && DedupKey(r) == dedupKey);
        await receiver.WaitForAsync(r => r.Path == "/pd-secondary" && Action(r) == "resolve" && DedupKey(r) == dedupKey);
        (await receiver.WaitForAsync(r => r.Path == "/slack", 3))[2].Json["text"]!.GetValue<string>().ShouldStartWith("[P1] Resolved:");
        var escalation = await Eventually.ValueAsync(
            async () => await EscalationAsync(http, remediationId) is { } e && e["state"]!.GetValue<string>() == "Resolved" ? e : null,
            "the escalation to be Resolved",
            diagnostics: engine.Describe);
        escalation["acknowledgedBy"]!.GetValue<string>().ShouldBe("jane");
        escalation.ToJsonString().ShouldNotContain(RoutingKey);
        receiver.To("/pd-lead").ShouldBeEmpty();
    }

    private static string Action(ReceivedRequest request) => request.Json["event_action"]!.GetValue<string>();

    private static string DedupKey(ReceivedRequest request) => request.Json["dedup_key"]!.GetValue<string>();

    private static async Task<JsonNode?> EscalationAsync(HttpClient http, Guid remediationId)
    {
        using var response = await http.GetAsync($"api/v1/remediations/{remediationId}/escalation");
        return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    /// <summary>The same notification, resolved (as Alertmanager sends it with send_resolved).</summary>
    private static string Resolved(string firing)
    {
        var notification = JsonNode.Parse(firing)!;
        notification["status"] = "resolved";
        foreach (var alert in notification["alerts"]!.AsArray())
        {
            alert!["status"] = "resolved";
            alert["endsAt"] = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        return notification.ToJsonString(new JsonSerializerOptions());
    }
}
