using System.Net;
using Remediator.Contracts;
using Remediator.Guards.Workloads;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Simulator;
using Remediator.Rules.Actions;
using Remediator.Tests.Shared;

namespace Remediator.Kubernetes.Tests;

/// <summary>
/// Every request the engine makes (every action and its compensation, the minimum-healthy guard's
/// reads, the readiness probe), against a simulator that authorizes exactly what
/// deploy/kubernetes/base/rbac grants the engine's service account, as the API server's RBAC
/// authorizer would: a request those files do not grant is a 403 and fails the test.
/// </summary>
public sealed class RbacTests : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var c = Simulator.Cluster;
        c.Create(ResourceType.Nodes, null, Manifests.Node("node-1"));
        c.Create(ResourceType.Nodes, null, Manifests.Node("node-2"));
        c.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
        c.Create(ResourceType.Services, Namespace, Manifests.Service("cart", "cart"));
        c.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("cart-hpa", "cart", 2, 5));
        c.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("checkout", replicas: 2));
        c.Create(ResourceType.StatefulSets, Namespace, Manifests.StatefulSet("ledger"));
        c.Create(ResourceType.DaemonSets, Namespace, Manifests.DaemonSet("agent"));

        // The shipped RoleBinding stands for "one per namespace the rules act in": the operator copies it to the test's.
        Simulator.Authorizer = RbacPolicy.Shipped(Namespace).Allows;

        // As the saga runs them: every step also records its Events and annotation, which the roles must grant too.
        Origin = new ActionOrigin(Guid.NewGuid(), "rbac", "RbacCheck");
    }

    [Fact]
    public async Task The_shipped_roles_grant_every_request_of_every_action_guard_and_readiness_probe()
    {
        var checkout = Deployment("checkout");
        var cart = Deployment("cart");
        var ran = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new List<ActionOutcome>();
        async Task Run(string action, RemediationTarget target, params (string Key, string Value)[] parameters)
        {
            ran.Add(action);
            outcomes.Add(await RunAsync(action, target, parameters: parameters));
        }

        // A rollout that takes steps makes wait-for-rollout watch, not just read once.
        Simulator.Cluster.SetRolloutBehavior(Namespace, "checkout", RolloutBehavior.Stepwise);
        var node = new RemediationTarget { Kind = TargetKind.Node, Name = "node-1" };
        await Run("restart", checkout);
        await Run("wait-for-rollout", checkout);
        await Run("rollback", checkout);
        await Run("scale", checkout, ("by", "+1"));
        await Run("patch-hpa", cart, ("max-replicas", "8"));
        await Run("set-env", checkout, ("env.A", "1"));
        await Run("set-resources", checkout, ("limits.memory", "1Gi"));
        await Run("reset-circuit-breakers", checkout, ("port", "8001"));
        await Run("health-check", checkout, ("port", "8001"), ("path", "/health"));
        await Run("http", cart, ("via", "service"), ("port", "8080"));
        await Run("http", cart, ("via", "pod"), ("port", "8080"));
        await Run("isolate", checkout, ("mode", "network-policy"));
        await Run("isolate", checkout);
        await Run("cordon", node);
        await Run("uncordon", node);
        await Run("drain", node);
        await Run("isolate", FirstPod("cart"), ("mode", "quarantine-pod"));
        await Run("delete-pod", new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, LabelSelector = "app=cart" });

        // scale on cart is refused by design (its HPA owns the count): the refusal must come from the engine, not a 403.
        await Run("scale", cart, ("by", "+1"));
        // Undone newest first, as Courier compensates: each undo finds what its action left.
        foreach (var outcome in outcomes.Where(o => o.Compensation is not null).Reverse().ToList())
        {
            outcomes.Add(await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None, Origin));
        }

        // The minimum-healthy guard reads before every scale and isolate, for each kind it reads.
        var guard = new KubernetesWorkloadStatusReader(Api);
        foreach (var target in new[]
        {
            checkout,
            new RemediationTarget { Kind = TargetKind.StatefulSet, Namespace = Namespace, Name = "ledger" },
            new RemediationTarget { Kind = TargetKind.DaemonSet, Namespace = Namespace, Name = "agent" },
            new RemediationTarget { Kind = TargetKind.Deployment, Namespace = Namespace, LabelSelector = "app=cart" },
            // cart's pods, not checkout's: reading checkout advances its stepwise rollout, which replaces its pods.
            FirstPod("cart"),
            new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, LabelSelector = "app=cart" },
        })
        {
            await guard.ReadAsync(target, CancellationToken.None);
        }

        // The guards' refusals: an Event on the target, on each object of a selector target, and on a Node.
        var events = new RemediationEvents(Api, new ResolvedConnection(Connection(), false, "simulator"), new KubernetesActionOptions(), TimeProvider.System, Logs.CreateLogger<RemediationEvents>(), null);
        foreach (var target in new[] { checkout, new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, LabelSelector = "app=cart" }, node })
        {
            await events.RecordRefusalAsync(
                new RemediationRefused
                {
                    CorrelationId = Guid.NewGuid(),
                    RemediationId = Origin!.RemediationId,
                    RuleName = Origin.RuleName,
                    Target = target,
                    Alert = Origin.Alert,
                    Guard = "cooldown",
                    Reason = "in cooldown (cooldown)",
                    Attempt = 1,
                    DryRun = false,
                    At = TestClock.Start,
                },
                CancellationToken.None);
        }

        // The readiness probe's one request.
        await Api.GetVersionAsync();

        Simulator.Requests.Where(r => r.StatusCode == 403).Select(r => $"{r.Method} {r.Path}{r.Query}").ShouldBeEmpty();
        Simulator.Requests.ShouldContain(r => r.Method == "POST" && r.Path == $"/api/v1/namespaces/{Namespace}/events");
        Simulator.Requests.ShouldContain(r => r.Method == "POST" && r.Path == "/api/v1/namespaces/default/events");

        // Repeats (two isolations of checkout, two HTTP calls on cart) are counted on their Event.
        Simulator.Requests.ShouldContain(r => r.Method == "PATCH" && r.Path.StartsWith($"/api/v1/namespaces/{Namespace}/events/", StringComparison.Ordinal));
        Simulator.Requests.ShouldContain(r => r.Query.Contains("watch=true", StringComparison.Ordinal));
        outcomes.Where(o => !o.Succeeded).Select(o => o.Summary).ShouldHaveSingleItem().ShouldContain("HorizontalPodAutoscaler \"cart-hpa\"");

        // Every action the executor knows ran here, and it knows every catalog action that acts on the cluster.
        Executor.Actions.Except(ran).ShouldBeEmpty();
        ActionCatalog.All.Where(a => a.ActsOnCluster).Select(a => a.Name).Order(StringComparer.Ordinal).ShouldBe(Executor.Actions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_request_the_roles_do_not_grant_is_refused_as_the_API_server_refuses_it()
    {
        // Listing nodes (the old readiness probe) is not granted: node-actions only gets and patches them.
        var refused = await Should.ThrowAsync<KubernetesApiException>(() => Api.ListAsync(KubernetesResource.Nodes, null));

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Reason.ShouldBe("Forbidden");
        refused.Message.ShouldContain($"nodes is forbidden: User \"{KubernetesSimulator.User}\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    }

    [Fact]
    public void The_roles_grant_nothing_outside_their_namespaces_and_no_secrets()
    {
        var roles = RbacPolicy.Shipped(Namespace);
        roles.Allows(new AccessRequest("patch", "apps", "deployments", "kube-system")).ShouldBeFalse();
        roles.Allows(new AccessRequest("get", "", "secrets", Namespace)).ShouldBeFalse();
        roles.Allows(new AccessRequest("create", "", "pods/exec", Namespace)).ShouldBeFalse();
        roles.Allows(new AccessRequest("list", "", "nodes", null)).ShouldBeFalse();
        roles.Allows(new AccessRequest("patch", "apps", "deployments", Namespace)).ShouldBeTrue();
        roles.Allows(new AccessRequest("patch", "apps", "deployments", "fintech-services")).ShouldBeTrue();
        roles.Allows(new AccessRequest("create", "", "pods/eviction", "kube-system")).ShouldBeTrue();
        roles.Allows(AccessRequest.NonResource("get", "/version")).ShouldBeTrue();
        roles.Allows(AccessRequest.NonResource("get", "/metrics")).ShouldBeFalse();
    }

    [Fact]
    public void Wildcards_subresources_resource_names_and_namespaces_are_matched_as_RBAC_matches_them()
    {
        var policy = RbacPolicy.FromYaml("system:serviceaccount:ops:bot", ["""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: { name: scaler, namespace: shop }
            rules:
              - apiGroups: ["apps"]
                resources: ["*/scale"]
                verbs: ["get", "patch"]
              - apiGroups: [""]
                resources: ["configmaps"]
                resourceNames: ["settings"]
                verbs: ["*"]
              - nonResourceURLs: ["/metrics"]
                verbs: ["get"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: { name: scaler, namespace: shop }
            roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: scaler }
            subjects: [{ kind: Group, name: "system:serviceaccounts:ops" }]
            """]);

        policy.Allows(new AccessRequest("patch", "apps", "statefulsets/scale", "shop")).ShouldBeTrue();
        policy.Allows(new AccessRequest("patch", "apps", "statefulsets", "shop")).ShouldBeFalse();
        policy.Allows(new AccessRequest("patch", "apps", "deployments/scale", "other")).ShouldBeFalse();
        policy.Allows(new AccessRequest("delete", "", "configmaps", "shop") { Name = "settings" }).ShouldBeTrue();
        policy.Allows(new AccessRequest("delete", "", "configmaps", "shop") { Name = "other" }).ShouldBeFalse();
        policy.Allows(new AccessRequest("list", "", "configmaps", "shop")).ShouldBeFalse();

        // A Role cannot grant non-resource URLs (they are cluster-wide): only a ClusterRoleBinding can.
        policy.Allows(AccessRequest.NonResource("get", "/metrics")).ShouldBeFalse();
    }

    private RemediationTarget FirstPod(string app) => new()
    {
        Kind = TargetKind.Pod,
        Namespace = Namespace,
        Name = Simulator.Cluster.List(ResourceType.Pods, Namespace, $"app={app}").Items[0]["metadata"]!["name"]!.GetValue<string>(),
    };
}
