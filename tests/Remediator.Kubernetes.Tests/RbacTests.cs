using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;
using YamlDotNet.RepresentationModel;

namespace Remediator.Kubernetes.Tests;

/// <summary>
/// Every action, run against a simulator that authorizes exactly what deploy/kubernetes/base/rbac grants the
/// engine's service account: a missing permission is a 403 and fails the action.
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
        Simulator.Authorizer = ShippedRoles.Load(Namespace).Allows;
    }

    [Fact]
    public async Task The_shipped_roles_grant_every_request_of_every_action_and_nothing_else_is_needed()
    {
        var checkout = Deployment("checkout");
        var cart = Deployment("cart");

        // A rollout that takes steps makes wait-for-rollout watch, not just read once.
        Simulator.Cluster.SetRolloutBehavior(Namespace, "checkout", RolloutBehavior.Stepwise);
        var node = new RemediationTarget { Kind = TargetKind.Node, Name = "node-1" };
        var outcomes = new List<ActionOutcome>
        {
            await RunAsync("restart", checkout),
            await RunAsync("wait-for-rollout", checkout),
            await RunAsync("rollback", checkout),
            await RunAsync("scale", checkout, parameters: ("by", "+1")),
            await RunAsync("scale", cart, parameters: ("by", "+1")),
            await RunAsync("patch-hpa", cart, parameters: ("max-replicas", "8")),
            await RunAsync("set-env", checkout, parameters: ("env.A", "1")),
            await RunAsync("set-resources", checkout, parameters: ("limits.memory", "1Gi")),
            await RunAsync("reset-circuit-breakers", checkout, parameters: ("port", "8001")),
            await RunAsync("health-check", checkout, parameters: [("port", "8001"), ("path", "/health")]),
            await RunAsync("http", cart, parameters: [("via", "service"), ("port", "8080")]),
            await RunAsync("isolate", checkout, parameters: ("mode", "network-policy")),
            await RunAsync("isolate", checkout),
            await RunAsync("cordon", node),
            await RunAsync("uncordon", node),
            await RunAsync("drain", node),
            await RunAsync("isolate", FirstPod("cart"), parameters: ("mode", "quarantine-pod")),
            await RunAsync("delete-pod", new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, LabelSelector = "app=cart" }),
        };
        foreach (var outcome in outcomes.Where(o => o.Compensation is not null).ToList())
        {
            outcomes.Add(await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None));
        }

        Simulator.Requests.ShouldContain(r => r.Query.Contains("watch=true", StringComparison.Ordinal));
        Simulator.Requests.Where(r => r.StatusCode == 403).Select(r => $"{r.Method} {r.Path}").ShouldBeEmpty();
        outcomes.Where(o => !o.Succeeded && o.Action != "scale").Select(o => o.Summary).ShouldBeEmpty();
    }

    [Fact]
    public void The_roles_grant_nothing_outside_their_namespaces_and_no_secrets()
    {
        var roles = ShippedRoles.Load(Namespace);
        roles.Allows(new AccessRequest("patch", "apps", "deployments", "kube-system")).ShouldBeFalse();
        roles.Allows(new AccessRequest("get", "", "secrets", Namespace)).ShouldBeFalse();
        roles.Allows(new AccessRequest("create", "", "pods/exec", Namespace)).ShouldBeFalse();
        roles.Allows(new AccessRequest("patch", "apps", "deployments", Namespace)).ShouldBeTrue();
        roles.Allows(new AccessRequest("create", "", "pods/eviction", "kube-system")).ShouldBeTrue();
    }

    private RemediationTarget FirstPod(string app) => new()
    {
        Kind = TargetKind.Pod,
        Namespace = Namespace,
        Name = Simulator.Cluster.List(ResourceType.Pods, Namespace, $"app={app}").Items[0]["metadata"]!["name"]!.GetValue<string>(),
    };

    /// <summary>The ClusterRoles and bindings in deploy/kubernetes/base/rbac, evaluated as RBAC does for the engine's service account.</summary>
    private sealed class ShippedRoles
    {
        private readonly List<(string? Namespace, List<(string[] Groups, string[] Resources, string[] Verbs)> Rules)> _grants = [];

        public static ShippedRoles Load(string boundNamespace)
        {
            var dir = Path.Combine(RepositoryRoot(), "deploy", "kubernetes", "base", "rbac");
            var documents = new List<YamlMappingNode>();
            foreach (var file in Directory.GetFiles(dir, "*.yaml"))
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(File.ReadAllText(file)));
                documents.AddRange(stream.Documents.Select(d => (YamlMappingNode)d.RootNode));
            }

            var roles = documents.Where(d => Scalar(d, "kind") == "ClusterRole").ToDictionary(
                d => Scalar((YamlMappingNode)d["metadata"], "name")!,
                d => ((YamlSequenceNode)d["rules"]).Cast<YamlMappingNode>().Select(r => (List(r, "apiGroups"), List(r, "resources"), List(r, "verbs"))).ToList());
            var result = new ShippedRoles();
            foreach (var binding in documents.Where(d => Scalar(d, "kind") is "RoleBinding" or "ClusterRoleBinding"))
            {
                var subjects = ((YamlSequenceNode)binding["subjects"]).Cast<YamlMappingNode>();
                if (!subjects.Any(s => Scalar(s, "kind") == "ServiceAccount" && Scalar(s, "name") == "remediator"))
                {
                    continue;
                }

                var role = roles[Scalar((YamlMappingNode)binding["roleRef"], "name")!];

                // The example RoleBinding stands for "each allowed namespace": here, the test's.
                result._grants.Add((Scalar(binding, "kind") == "RoleBinding" ? boundNamespace : null, role));
            }

            return result;
        }

        public bool Allows(AccessRequest request) =>
            _grants.Any(g => (g.Namespace is null || g.Namespace == request.Namespace) &&
                g.Rules.Any(r => r.Groups.Contains(request.Group) && r.Resources.Contains(request.Resource) && r.Verbs.Contains(request.Verb)));

        private static string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

        private static string[] List(YamlMappingNode node, string key) =>
            [.. ((YamlSequenceNode)node[key]).Cast<YamlScalarNode>().Select(s => s.Value ?? string.Empty)];

        private static string RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Remediator.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new DirectoryNotFoundException("Remediator.sln not found above the test binaries");
        }
    }
}
