using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Simulator;
using Remediator.Rules.Actions;
using Remediator.Tests.Shared;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// The trace a remediation leaves on the objects it is about, read back from the simulator: the
/// Kubernetes Events of its steps, undos and guard refusals (as kubectl describe lists them), their
/// aggregation on repeat, and the remediator.io/last-remediation annotation; and that a refused
/// Event write never fails anything.
/// </summary>
public sealed class RemediationEventsTests : ClusterFixture
{
    private static readonly Guid _run = Guid.Parse("5f0c3a52-9d7e-4a5b-8d43-0d6c7e1a2b3c");
    private static readonly Uri _dashboard = new("https://remediator.example/");
    private const string CooldownReason = "deployment/shop/cart was remediated 2m ago, its cooldown is 10m (cooldown)";

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
    public async Task A_scale_records_a_normal_event_with_its_reason_rule_alert_and_run()
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

        // Its one write is the scale subresource, as kubectl scale's: an annotation sent there would be dropped, and no request of its own is sent for it.
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBeNull();
        Mutations().Select(r => r.Path).ShouldBe([$"/apis/apps/v1/namespaces/{Namespace}/deployments/cart/scale"]);
    }

    [Fact]
    public async Task A_restart_carries_the_run_annotation_in_its_one_patch_beside_kubectls_restartedAt()
    {
        var outcome = await RunAsync("restart", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBe(_run.ToString());
        var patch = JsonNode.Parse(Mutations().ShouldHaveSingleItem().Body!)!;
        patch["metadata"]!["annotations"]![RemediationEvents.LastRemediationAnnotation]!.GetValue<string>().ShouldBe(_run.ToString());
        patch["spec"]!["template"]!["metadata"]!["annotations"]![RestartAction.RestartedAtAnnotation].ShouldNotBeNull();
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

        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["spec"]!["replicas"]!.GetValue<int>().ShouldBe(4);
        Simulator.Requests.Where(r => r.StatusCode == 403).Select(r => $"{r.Method} {r.Path}").ShouldBe([$"POST /api/v1/namespaces/{Namespace}/events"]);
        Logs.Entries.Count(e => e.Message.StartsWith("Could not record the remediation", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task Without_an_origin_a_step_leaves_no_trace()
    {
        Origin = null;

        await RunAsync("scale", Deployment("cart"), parameters: ("by", "+1"));

        Simulator.Cluster.List(ResourceType.Events, Namespace).Items.ShouldBeEmpty();
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBeNull();
    }

    [Fact]
    public async Task A_guard_refusal_records_a_warning_naming_the_rule_the_alert_the_guards_reason_and_the_runs_page()
    {
        await Events(TestClock.Create()).RecordRefusalAsync(Refusal(_run), CancellationToken.None);

        var recorded = EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem();
        recorded["reason"]!.GetValue<string>().ShouldBe(RemediationEvents.RefusedReason);
        recorded["type"]!.GetValue<string>().ShouldBe("Warning");
        recorded["message"]!.GetValue<string>().ShouldBe(
            $"deployment/shop/cart: not remediated, attempt 1 refused by the guards: {CooldownReason} (rule cart-high-cpu, alert HighCPUUsage, run https://remediator.example/remediations/{_run})");
        recorded["count"]!.GetValue<int>().ShouldBe(1);
        LastRemediation(ResourceType.Deployments, Namespace, "cart").ShouldBeNull();
        Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task Repeats_within_the_window_are_counted_on_one_event_as_client_go_does_and_a_repeat_after_it_is_a_new_event()
    {
        var clock = TestClock.Create();
        var events = Events(clock);
        var second = Guid.Parse("0b8e2d0c-4f6a-4c1e-9a57-3f2d1c0b9a88");

        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);
        var repeated = EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem();
        repeated["count"]!.GetValue<int>().ShouldBe(2);
        repeated["message"]!.GetValue<string>().ShouldStartWith("deployment/shop/cart: not remediated");

        clock.Advance(TimeSpan.FromMinutes(9));
        await events.RecordRefusalAsync(Refusal(second), CancellationToken.None);
        var combined = EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem();
        combined["count"]!.GetValue<int>().ShouldBe(3);
        combined["firstTimestamp"]!.GetValue<string>().ShouldBe("2026-11-21T10:00:00Z");
        combined["lastTimestamp"]!.GetValue<string>().ShouldBe("2026-11-21T10:10:00Z");
        combined["message"]!.GetValue<string>().ShouldStartWith("(combined from similar events): deployment/shop/cart: not remediated");
        combined["message"]!.GetValue<string>().ShouldEndWith($"run https://remediator.example/remediations/{second})");
        Simulator.Requests.Where(r => r.Path.Contains("/events", StringComparison.Ordinal)).Select(r => r.Method).ShouldBe(["POST", "PATCH", "PATCH"]);

        // The window is counted from the latest occurrence: ten minutes of quiet start a new Event.
        clock.Advance(TimeSpan.FromMinutes(10));
        await events.RecordRefusalAsync(Refusal(second), CancellationToken.None);
        EventsAbout(Namespace, "Deployment", "cart").Select(e => e["count"]!.GetValue<int>()).Order().ShouldBe([1, 3]);
    }

    [Fact]
    public async Task An_aggregated_event_that_is_gone_is_created_again()
    {
        var clock = TestClock.Create();
        var events = Events(clock);
        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);
        var first = EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem();
        Simulator.Cluster.Delete(ResourceType.Events, Namespace, first["metadata"]!["name"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromMinutes(1));
        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);

        EventsAbout(Namespace, "Deployment", "cart").ShouldHaveSingleItem()["count"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task A_refusal_whose_event_is_forbidden_completes_is_logged_and_the_next_one_tries_to_create_it_again()
    {
        Simulator.Deny("create", "events");
        var events = Events(TestClock.Create());

        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);
        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);

        Simulator.Requests.Select(r => $"{r.Method} {r.StatusCode}").ShouldBe(["POST 403", "POST 403"]);
        Logs.Entries.Count(e => e.Message.StartsWith("Could not record the remediation event on deployment/shop/cart", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task A_refusal_of_a_selector_target_is_recorded_on_each_object_it_matches()
    {
        Simulator.Cluster.Create(ResourceType.Pods, Namespace, Manifests.Pod("cart-1", "cart"));
        Simulator.Cluster.Create(ResourceType.Pods, Namespace, Manifests.Pod("cart-2", "cart"));
        Simulator.Cluster.Create(ResourceType.Pods, Namespace, Manifests.Pod("checkout-1", "checkout"));
        var refusal = Refusal(_run) with { Target = new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, LabelSelector = "app=cart" } };

        await Events(TestClock.Create()).RecordRefusalAsync(refusal, CancellationToken.None);

        EventsAbout(Namespace, "Pod", "cart-1").ShouldHaveSingleItem()["message"]!.GetValue<string>().ShouldStartWith("pod/shop/cart-1: not remediated");
        EventsAbout(Namespace, "Pod", "cart-2").ShouldHaveSingleItem();
        EventsAbout(Namespace, "Pod", "checkout-1").ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_cluster_connection_a_refusal_records_nothing()
    {
        var events = new RemediationEvents(Api, new ResolvedConnection(null, true, "no cluster"), new KubernetesActionOptions(), TestClock.Create(), Logs.CreateLogger<RemediationEvents>(), null);

        await events.RecordRefusalAsync(Refusal(_run), CancellationToken.None);

        Simulator.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_compensation_records_a_compensated_event_on_the_object_it_restored()
    {
        var scaled = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));

        var undone = await Executor.CompensateAsync(scaled.Compensation!, false, CancellationToken.None, Origin);

        undone.Status.ShouldBe(ActionStatus.Succeeded, undone.Summary);
        var recorded = EventsAbout(Namespace, "Deployment", "cart").Single(e => e["reason"]!.GetValue<string>() == RemediationEvents.CompensatedReason);
        recorded["type"]!.GetValue<string>().ShouldBe("Normal");
        recorded["message"]!.GetValue<string>().ShouldBe($"{undone.Summary} (rule cart-high-cpu, alert HighCPUUsage, run {_run})");
    }

    [Fact]
    public async Task A_restore_records_a_restored_event_and_one_that_finds_the_object_changed_records_a_refusal()
    {
        var isolated = await RunAsync("isolate", Deployment("cart"));
        var restored = await Executor.CompensateAsync(isolated.Compensation!, false, CancellationToken.None, Origin, CompensationPurpose.Restore);

        restored.Status.ShouldBe(ActionStatus.Succeeded, restored.Summary);
        EventsAbout(Namespace, "Deployment", "cart").Select(e => e["reason"]!.GetValue<string>()).ShouldBe(["RemediatorIsolated", RemediationEvents.RestoredReason], ignoreOrder: true);

        // Someone scaled it since the remediation did: the undo is refused and says so on the object.
        var scaled = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));
        Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", deployment =>
        {
            deployment["spec"]!["replicas"] = 6;
            return deployment;
        });
        var kept = await Executor.CompensateAsync(scaled.Compensation!, false, CancellationToken.None, Origin);

        kept.Status.ShouldBe(ActionStatus.Failed);
        var refused = EventsAbout(Namespace, "Deployment", "cart").Single(e => e["reason"]!.GetValue<string>() == RemediationEvents.RefusedReason);
        refused["type"]!.GetValue<string>().ShouldBe("Warning");
        refused["message"]!.GetValue<string>().ShouldContain("that change is kept");
    }

    /// <summary>The engine's recorder on the fixture's client, on <paramref name="clock"/>, linking the dashboard.</summary>
    private RemediationEvents Events(FakeTimeProvider clock) =>
        new(Api, new ResolvedConnection(Connection(), false, "simulator"), new KubernetesActionOptions { DashboardBaseUrl = _dashboard }, clock, Logs.CreateLogger<RemediationEvents>(), null);

    private static RemediationRefused Refusal(Guid run) => new()
    {
        CorrelationId = Guid.NewGuid(),
        RemediationId = run,
        RuleName = "cart-high-cpu",
        Target = Deployment("cart"),
        Alert = "HighCPUUsage",
        Guard = "cooldown",
        Reason = CooldownReason,
        Attempt = 1,
        DryRun = false,
        At = TestClock.Start,
    };
}
