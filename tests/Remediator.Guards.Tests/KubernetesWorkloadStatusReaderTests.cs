using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Guards.Workloads;
using Remediator.Kubernetes.Client;

namespace Remediator.Guards.Tests;

public sealed class KubernetesWorkloadStatusReaderTests
{
    private const string Ns = "fintech-services";

    private readonly FakeReader _cluster = new();

    public KubernetesWorkloadStatusReaderTests()
    {
        _cluster.Add(KubernetesResource.Deployments, Workload("payment-service", replicas: 2, available: 1));
        _cluster.Add(KubernetesResource.Deployments, Workload("account-service", replicas: 0, available: 0));
        _cluster.Add(KubernetesResource.Deployments, Workload("auth-service", replicas: null, available: 1));
        _cluster.Add(KubernetesResource.StatefulSets, Workload("ledger", replicas: 3, available: 3));
        _cluster.Add(KubernetesResource.NetworkPolicies, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "remediator-isolate-ledger" } });
        _cluster.Add(KubernetesResource.NetworkPolicies, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default-deny" } });
        _cluster.Add(KubernetesResource.Pods, Pod("payment-1", "rs-payment", ready: true));
        _cluster.Add(KubernetesResource.Pods, Pod("payment-2", "rs-payment", ready: false));
        _cluster.Add(KubernetesResource.Pods, Pod("ledger-0", "sts-ledger", ready: true));
    }

    [Fact]
    public async Task A_named_deployment_reports_its_replicas_and_the_namespace_out_of_service_share()
    {
        var status = await new KubernetesWorkloadStatusReader(_cluster).ReadAsync(Target(TargetKind.Deployment, "payment-service"), default);

        // account-service is at zero and ledger is isolated by the isolate action's NetworkPolicy.
        status.ShouldBe(new WorkloadStatus(Objects: 1, Replicas: 2, AvailableReplicas: 1, NamespaceWorkloads: 4, OutOfServiceWorkloads: 2));
    }

    [Fact]
    public async Task An_unset_replica_count_is_one()
    {
        var status = await new KubernetesWorkloadStatusReader(_cluster).ReadAsync(Target(TargetKind.Deployment, "auth-service"), default);

        status.Replicas.ShouldBe(1);
    }

    [Fact]
    public async Task A_pod_counts_the_pods_of_its_controller()
    {
        var status = await new KubernetesWorkloadStatusReader(_cluster).ReadAsync(Target(TargetKind.Pod, "payment-1"), default);

        status.Objects.ShouldBe(1);
        status.Replicas.ShouldBe(2);
        status.AvailableReplicas.ShouldBe(1);
    }

    [Fact]
    public async Task Cluster_scoped_targets_are_not_read()
    {
        var reader = new KubernetesWorkloadStatusReader(_cluster);

        await Should.ThrowAsync<ArgumentException>(() => reader.ReadAsync(new RemediationTarget { Kind = TargetKind.Node, Name = "worker-1" }, default));
    }

    private static RemediationTarget Target(TargetKind kind, string name) => new() { Kind = kind, Namespace = Ns, Name = name };

    private static JsonObject Workload(string name, int? replicas, int available)
    {
        var spec = new JsonObject();
        if (replicas is { } count)
        {
            spec["replicas"] = count;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["availableReplicas"] = available },
        };
    }

    private static JsonObject Pod(string name, string owner, bool ready) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = Ns,
            ["ownerReferences"] = new JsonArray(new JsonObject { ["uid"] = owner, ["controller"] = true }),
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        },
    };

    /// <summary>Objects by resource in one namespace; selectors are not needed by these tests.</summary>
    private sealed class FakeReader : IKubernetesReader
    {
        private readonly Dictionary<KubernetesResource, List<JsonObject>> _objects = [];

        public void Add(KubernetesResource resource, JsonObject obj)
        {
            if (!_objects.TryGetValue(resource, out var list))
            {
                list = [];
                _objects[resource] = list;
            }

            list.Add(obj);
        }

        public Task<JsonObject> GetVersionAsync(CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the workload reader never reads the server version");

        public Task<JsonObject> GetAsync(KubernetesResource resource, string? ns, string name, string? subresource = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(_objects[resource].Single(o => o["metadata"]!["name"]!.GetValue<string>() == name));

        public Task<IReadOnlyList<JsonObject>> ListAsync(KubernetesResource resource, string? ns, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<JsonObject>>(_objects.TryGetValue(resource, out var list) ? list : []);

        public Task<ProxyResponse> ProxyAsync(ProxyRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the workload reader never proxies");

        public IAsyncEnumerable<WatchEvent> WatchAsync(KubernetesResource resource, string? ns, string? name, string resourceVersion, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the workload reader never watches");
    }
}
