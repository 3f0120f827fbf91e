using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>cordon, uncordon and drain on simulated nodes.</summary>
public sealed class NodeActionTests : ClusterFixture
{
    private static RemediationTarget Node1 { get; } = new() { Kind = TargetKind.Node, Name = "node-1" };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Nodes, null, Manifests.Node("node-1"));
        Simulator.Cluster.Create(ResourceType.Nodes, null, Manifests.Node("node-2"));
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 4));
        Simulator.Cluster.Create(ResourceType.DaemonSets, "kube-system", Manifests.DaemonSet("agent"));
        Simulator.ClearRequests();
    }

    [Fact]
    public async Task Cordon_and_uncordon_are_each_others_inverse()
    {
        var outcome = await RunAsync("cordon", Node1);
        Unschedulable().ShouldBeTrue();
        (await RunAsync("cordon", Node1)).Details.Single().Message.ShouldBe("already cordoned");

        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Unschedulable().ShouldBeFalse();
    }

    [Fact]
    public async Task Drain_evicts_controller_pods_leaves_daemonset_and_mirror_pods_and_cordons()
    {
        Simulator.Cluster.Create(ResourceType.Pods, "kube-system", Manifests.Pod("etcd-node-1", "etcd", node: "node-1", mirror: true));

        var outcome = await RunAsync("drain", Node1);

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Unschedulable().ShouldBeTrue();
        var left = PodsOn("node-1");
        left.ShouldAllBe(p => p.StartsWith("agent-", StringComparison.Ordinal) || p == "etcd-node-1");
        left.Count.ShouldBe(2);
        Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=cart").Items.Count.ShouldBe(4);
        Simulator.Requests.Count(r => r.Path.EndsWith("/eviction", StringComparison.Ordinal)).ShouldBe(2);
        outcome.Compensation!.Description.ShouldStartWith("uncordon");
    }

    [Fact]
    public async Task Drain_retries_evictions_a_disruption_budget_refuses_and_times_out_if_it_never_allows()
    {
        Simulator.Cluster.Create(ResourceType.PodDisruptionBudgets, Namespace, Manifests.PodDisruptionBudget("cart-pdb", "cart", minAvailable: 4));

        var outcome = await RunAsync("drain", Node1, timeout: TimeSpan.FromSeconds(2));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("timed out");
        outcome.Summary.ShouldContain("eviction of pod shop/cart-");
        Simulator.Requests.Count(r => r.Path.EndsWith("/eviction", StringComparison.Ordinal) && r.StatusCode == 429).ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Drain_refuses_unmanaged_and_emptydir_pods_before_changing_anything()
    {
        Simulator.Cluster.Create(ResourceType.Pods, Namespace, Manifests.Pod("debug", "debug", node: "node-1"));

        var outcome = await RunAsync("drain", Node1);

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("shop/debug is not managed by a controller");
        Mutations().ShouldBeEmpty();
        Unschedulable().ShouldBeFalse();
    }

    [Fact]
    public async Task Drain_in_dry_run_plans_the_cordon_and_evictions_only()
    {
        var outcome = await RunAsync("drain", Node1, dryRun: true);
        outcome.Status.ShouldBe(ActionStatus.DryRun);
        outcome.PlannedRequests.Count.ShouldBe(3);
        Mutations().ShouldBeEmpty();
    }

    private bool Unschedulable() => Simulator.Cluster.Get(ResourceType.Nodes, null, "node-1")["spec"]?["unschedulable"]?.GetValue<bool>() == true;

    private List<string> PodsOn(string node) =>
        [.. Simulator.Cluster.List(ResourceType.Pods, null, fieldSelector: $"spec.nodeName={node}").Items.Select(p => p["metadata"]!["name"]!.GetValue<string>())];
}
