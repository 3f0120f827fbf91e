using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// The trace a step leaves on the objects it is about, read back from the simulator: the
/// Kubernetes Events (as kubectl describe lists them) and the remediator.io/last-remediation
/// annotation, and that a refused Event write never fails the step.
/// </summary>
public sealed class RemediationEventsTests : ClusterFixture
{
    private static readonly Guid _run = Guid.Parse("5f0c3a52-9d7e-4a5b-8d43-0d6c7e1a2b3c");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("checkout", replicas: 2));
        Simulator.Cluster.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("checkout-hpa", "checkout", 2, 5));
        Simulator.Cluster.Create(ResourceType.Nodes, null, Manifests.Node("node-1"));
        Origin = new ActionOrigin(_run, "cart-high-cpu", "HighCPUUsage");
        Simulator.ClearRequests();
    }

    private IReadOnlyList<JsonObject> EventsAbout(string? ns, string kind, string name) =>
        [.. Simulator.Cluster.List(ResourceType.Events, ns ?? "default").Items.Where(e =>
            e["involvedObject"]!["kind"]!.GetValue<string>() == kind && e["involvedObject"]!["name"]!.GetValue<string>() == name)];

    private string? LastRemediation(ResourceType type, string? ns, string name) =>
        Simulator.Cluster.Get(type, ns, name)["metadata"]!["annotations"]?[RemediationEvents.LastRemediationAnnotation]?.GetValue<string>();

    [Fact]
    public async Task A_scale_records_a_normal_event_with_its_reason_rule_alert_and_run_and_annotates_the_deployment()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("by", "+2"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        var recorded = EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem();
        recorded["reason"]!.GetValue<string>().ShouldBe(ActionCatalog.Scale.EventReason);
        recorded["reason"]!.GetValue<string>().ShouldBe("RemediatorScaled");
        recorded["type"]!.GetValue<string>().ShouldBe("Normal");
        recorded["involvedObject"]!["apiVersion"]!.GetValue<string>().ShouldBe("apps/v1");
        recorded["involvedObject"]!["namespace"]!.GetValue<string>().ShouldBe(Namespace);
        recorded["source"]!["component"]!.GetValue<string>().ShouldBe("remediator");
        recorded["message"]!.GetValue<string>().ShouldBe($"{outcome.Summary} (rule cart-high-cpu, alert HighCPUUsage, run {_run})");
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBe(_run.ToString());
    }

    [Fact]
    public async Task The_message_links_the_runs_dashboard_page_when_the_public_url_is_configured()
    {
        using var executor = CreateExecutor(new KubernetesActionOptions { DashboardBaseUrl = new Uri("https://remediator.example/") });

        await executor.ExecuteAsync(new PlannedStep { Name = "restart", Action = "restart" }, Deployment("cart"), dryRun: false, CancellationToken.None, Origin);

        EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem()["message"]!.GetValue<string>()
            .ShouldEndWith($"(rule cart-high-cpu, alert HighCPUUsage, run https://remediator.example/remediations/{_run})");
    }

    [Fact]
    public async Task A_dry_run_records_what_it_would_do_and_changes_nothing()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), dryRun: true, parameters: ("by", "+2"));

        outcome.Status.ShouldBe(ActionStatus.DryRun);
        var recorded = EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem();
        recorded["reason"]!.GetValue<string>().ShouldBe(RemediationEvents.DryRunReason);
        recorded["type"]!.GetValue<string>().ShouldBe("Normal");
        recorded["message"]!.GetValue<string>().ShouldStartWith("would scale deployment/shop/cart (by=+2) (rule cart-high-cpu");
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBeNull();
        Mutations().Where(r => !r.Path.EndsWith("/events", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_step_records_a_warning_and_annotates_nothing()
    {
        var outcome = await RunAsync("scale", Deployment("checkout"), parameters: ("by", "+2"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        var recorded = EventsAbout(Namespace, "Deployment", "checkout").ShouldHaveSingleItem();
        recorded["reason"]!.GetValue<string>().ShouldBe(RemediationEvents.RefusedReason);
        recorded["type"]!.GetValue<string>().ShouldBe("Warning");
        recorded["message"]!.GetValue<string>().ShouldContain("HorizontalPodAutoscaler \"checkout-hpa\"");
        LastRemediation(ResourceType.Deployments, Namespace, "checkout").ShouldBeNull();
    }

    [Fact]
    public async Task A_node_action_records_its_event_in_the_default_namespace_and_annotates_the_node()
    {
        var outcome = await RunAsync("cordon", new RemediationTarget { Kind = TargetKind.Node, Name = "node-1" });

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        var recorded = EventsAbout(null, "Node", "node-1").ShouldHaveSingleItem();
        recorded["reason"]!.GetValue<string>().ShouldBe("RemediatorCordoned");
        recorded["involvedObject"]!["namespace"].ShouldBeNull();
        LastRemediation(ResourceType.Nodes, null, "node-1").ShouldBe(_run.ToString());
    }

    [Fact]
    public async Task A_refused_event_write_does_not_fail_the_step_and_is_logged()
    {
        Simulator.Deny("create", "events");
        Simulator.Deny("patch", "deployments");

        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["spec"]!["replicas"]!.GetValue<int>().ShouldBe(4);
        Simulator.Requests.Where(r => r.StatusCode == 403).Select(r => $"{r.Method} {r.Path}").ShouldBe(
            [$"POST /api/v1/namespaces/{Namespace}/events", $"PATCH /apis/apps/v1/namespaces/{Namespace}/deployments/cart"]);
        Logs.Entries.Count(e => e.Message.StartsWith("Could not record the remediation", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task Without_an_origin_a_step_leaves_no_trace()
    {
        Origin = null;

        await RunAsync("scale", Deployment("cart"), parameters: ("by", "+1"));

        Simulator.Cluster.List(ResourceType.Events, Namespace).Items.ShouldBeEmpty();
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBeNull();
    }
}
