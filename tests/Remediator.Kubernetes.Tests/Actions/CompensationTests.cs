using System.Text.Json.Nodes;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// An undo never overwrites someone else's change: it reads the object, applies only while the
/// object still shows what the action left, and writes with the resourceVersion it read.
/// </summary>
public sealed class CompensationTests : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2, env: ("MODE", "a")));
    }

    [Fact]
    public async Task An_undo_carries_the_resource_version_it_read_and_ignores_status_only_changes()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));
        var leftAt = Version();

        // The controller's status updates move the resourceVersion on: the version the scale left is stale.
        SetStatus(observedGeneration: 7);
        var current = Version();
        current.ShouldNotBe(leftAt);
        Simulator.ClearRequests();

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);

        undo.Status.ShouldBe(ActionStatus.Succeeded, undo.Summary);
        Replicas().ShouldBe(2);
        JsonNode.Parse(Mutations().ShouldHaveSingleItem().Body!)!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(current);
    }

    [Fact]
    public async Task A_scale_out_someone_changed_since_is_not_undone()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));
        Scale(6);

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);

        undo.Status.ShouldBe(ActionStatus.Failed);
        undo.Summary.ShouldContain("""not undone: deployments.apps/scale shop/cart was changed since the remediation left it {"spec":{"replicas":4}}; it is now {"spec":{"replicas":6}}, and that change is kept""");
        Replicas().ShouldBe(6);
    }

    [Fact]
    public async Task A_set_env_undo_leaves_a_variable_someone_changed_since()
    {
        var outcome = await RunAsync("set-env", Deployment("cart"), parameters: ("env.MODE", "b"));
        Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", d =>
        {
            d["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![0]!["value"] = "c";
            return d;
        });

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);

        undo.Status.ShouldBe(ActionStatus.Failed);
        undo.Summary.ShouldContain("not undone");
        Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![0]!["value"]!.GetValue<string>().ShouldBe("c");
    }

    [Fact]
    public async Task A_conflict_on_every_attempt_is_reported_as_one_and_changes_nothing()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "4"));
        Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cart/scale", StatusCode = 409, Times = ActionContext.MaxConflictAttempts });

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);

        undo.Status.ShouldBe(ActionStatus.Failed);
        undo.Summary.ShouldStartWith("compensation \"scale back to the previous replica counts\" not applied: the object changed since the remediation changed it (409 Conflict), so it is left as it is");
        Replicas().ShouldBe(4);
    }

    [Fact]
    public async Task An_isolating_network_policy_someone_edited_is_not_deleted()
    {
        var outcome = await RunAsync("isolate", Deployment("cart"), parameters: ("mode", "network-policy"));
        Simulator.Cluster.Update(ResourceType.NetworkPolicies, Namespace, "remediator-isolate-cart", p =>
        {
            p["metadata"]!["labels"]!["owner"] = "sre";
            return p;
        });

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);

        undo.Status.ShouldBe(ActionStatus.Failed);
        undo.Summary.ShouldContain("Precondition failed");
        Simulator.Cluster.Find(ResourceType.NetworkPolicies, Namespace, "remediator-isolate-cart").ShouldNotBeNull();
    }

    [Theory]
    [InlineData(true, "the replacement, newer")]
    [InlineData(false, "the quarantined pod, unready")]
    public async Task An_undone_quarantine_returns_the_pod_to_its_ReplicaSet_which_deletes_one_pod_too_many(bool recovered, string deleted)
    {
        Simulator.Cluster.Create(ResourceType.Services, Namespace, Manifests.Service("cart", "cart"));
        var before = CartPods();
        var quarantined = before[0];
        var outcome = await RunAsync("isolate", new() { Kind = Contracts.TargetKind.Pod, Namespace = Namespace, Name = quarantined }, parameters: ("mode", "quarantine-pod"));
        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);

        // Released by its ReplicaSet, which started a replacement: the pod runs on, outside Service and controller.
        var replacement = CartPods().Except(before).ShouldHaveSingleItem();
        Simulator.Cluster.Get(ResourceType.Pods, Namespace, quarantined)["metadata"]!["ownerReferences"].ShouldBeNull();
        Simulator.Cluster.SetPodReady(Namespace, quarantined, recovered);

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);

        undo.Status.ShouldBe(ActionStatus.Succeeded, undo.Summary);
        var kept = CartPods();
        kept.Count.ShouldBe(2);
        kept.ShouldNotContain(recovered ? replacement : quarantined, deleted);
        if (recovered)
        {
            Simulator.Cluster.Get(ResourceType.Pods, Namespace, quarantined)["metadata"]!["ownerReferences"].ShouldNotBeNull();
        }
    }

    private List<string> CartPods() =>
        [.. Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=cart").Items.Select(p => p["metadata"]!["name"]!.GetValue<string>())];

    private string Version() => Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["metadata"]!["resourceVersion"]!.GetValue<string>();

    private int Replicas() => Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["spec"]!["replicas"]!.GetValue<int>();

    private void Scale(int replicas) => Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", d =>
    {
        d["spec"]!["replicas"] = replicas;
        return d;
    });

    private void SetStatus(int observedGeneration) => Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", d =>
    {
        d["status"]!["observedGeneration"] = observedGeneration;
        return d;
    }, "status");
}
