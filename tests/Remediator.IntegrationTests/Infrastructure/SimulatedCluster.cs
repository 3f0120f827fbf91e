using System.Text;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Simulator;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// The cluster an end-to-end scenario remediates: the Kubernetes API simulator over HTTPS in the
/// test process, a pod server answering every pod's management port, the fintech-services
/// Deployments of the runbook, and a kubeconfig the engine process connects with (mode
/// <c>Kubeconfig</c>, so the engine acts for real, not in dry-run). What the engine did to the
/// cluster is read back from the simulator's request log.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    public const string Namespace = "fintech-services";

    /// <summary>The services of the fintech runbook (rules/fintech-services.yaml's topology), 2 replicas each.</summary>
    public static readonly IReadOnlyList<string> FintechServices =
        ["payment-service", "account-service", "auth-service", "transaction-service", "notification-service", "analytics-service", "api-gateway"];

    private SimulatedCluster(KubernetesSimulator api, FakePodServer pods, string kubeconfigPath)
    {
        Api = api;
        Pods = pods;
        KubeconfigPath = kubeconfigPath;
    }

    public KubernetesSimulator Api { get; }

    public FakePodServer Pods { get; }

    public string KubeconfigPath { get; }

    /// <summary>The engine's <c>Remediator:Kubernetes</c> settings for this cluster.</summary>
    public IReadOnlyDictionary<string, string> EngineConfiguration => new Dictionary<string, string>
    {
        ["Remediator:Kubernetes:Mode"] = "Kubeconfig",
        ["Remediator:Kubernetes:Kubeconfig"] = KubeconfigPath,
    };

    /// <summary>Starts the simulator (TLS, its own CA) and the pod server, seeds the fintech Deployments and writes the kubeconfig under <paramref name="workDirectory"/>.</summary>
    public static async Task<SimulatedCluster> StartAsync(string workDirectory)
    {
        var api = await KubernetesSimulator.StartAsync(tls: true);
        var pods = await FakePodServer.StartAsync();
        pods.Serve(api);
        foreach (var service in FintechServices)
        {
            AddService(api, service);
        }

        var kubeconfig = Path.Combine(workDirectory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            current-context: simulator
            clusters:
            - name: simulator
              cluster:
                server: {api.BaseAddress.ToString().TrimEnd('/')}
                certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(api.Certificates!.AuthorityPem))}
            contexts:
            - name: simulator
              context:
                cluster: simulator
                user: remediator
                namespace: {Namespace}
            users:
            - name: remediator
              user:
                token: {KubernetesSimulator.DefaultToken}
            """);
        return new SimulatedCluster(api, pods, kubeconfig);
    }

    /// <summary>Adds a Deployment like the runbook's services (2 replicas) for a test that needs more targets than <see cref="FintechServices"/>.</summary>
    public void AddService(string service) => AddService(Api, service);

    private static void AddService(KubernetesSimulator api, string service) =>
        api.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment(service, replicas: 2, image: $"fintech/{service}:1.0"));

    /// <summary>Every <c>kubectl rollout restart</c> PATCH the engine sent for <paramref name="deployment"/> (whatever the answer).</summary>
    public IReadOnlyList<RequestLogEntry> Restarts(string deployment) =>
        [.. Api.Requests.Where(r => r.Method == "PATCH"
            && r.Path == DeploymentPath(deployment)
            && r.Body?.Contains("kubectl.kubernetes.io/restartedAt", StringComparison.Ordinal) == true)];

    /// <summary>Every write of <paramref name="deployment"/>'s scale subresource (scale, isolate scale-to-zero).</summary>
    public IReadOnlyList<RequestLogEntry> Scales(string deployment) =>
        [.. Api.Requests.Where(r => r.Method is "PATCH" or "PUT" && r.Path == $"{DeploymentPath(deployment)}/scale")];

    /// <summary>What the actions changed, without the Events they leave beside it (the run's annotation rides in their own writes).</summary>
    public IReadOnlyList<RequestLogEntry> Mutations() => [.. Api.Requests.Where(r => r.Changes)];

    /// <summary>The circuit-breaker resets that reached <paramref name="deployment"/>'s pods through the API server's proxy.</summary>
    public IReadOnlyList<PodRequest> CircuitBreakerResets(string deployment) =>
        [.. Pods.Requests.Where(r => r.Method == "POST" && r.Path == "/circuit-breakers/reset" && r.Pod.StartsWith($"{deployment}-", StringComparison.Ordinal))];

    public int Replicas(string deployment) =>
        Api.Cluster.Get(ResourceType.Deployments, Namespace, deployment)["spec"]!["replicas"]!.GetValue<int>();

    /// <summary>From now on a new rollout of <paramref name="deployment"/> never gets ready: wait-for-rollout hangs until <see cref="CompleteRollout"/>.</summary>
    public void StallRollouts(string deployment) => Api.Cluster.SetRolloutBehavior(Namespace, deployment, RolloutBehavior.Stalled);

    /// <summary>Lets <paramref name="deployment"/>'s stalled rollout finish: its new pods become ready and the old ones go.</summary>
    public void CompleteRollout(string deployment)
    {
        Api.Cluster.SetRolloutBehavior(Namespace, deployment, RolloutBehavior.Immediate);
        var (pods, _) = Api.Cluster.List(ResourceType.Pods, Namespace, $"app={deployment}");
        foreach (var pod in pods.Where(pod => !ClusterState.IsReady(pod)))
        {
            Api.Cluster.SetPodReady(Namespace, pod["metadata"]!["name"]!.GetValue<string>(), ready: true);
        }
    }

    /// <summary>True once a watch on <paramref name="deployment"/> is open: wait-for-rollout is waiting for it.</summary>
    public bool IsWatched(string deployment) =>
        Api.Requests.Any(r => r.Method == "GET"
            && r.Query.Contains("watch=", StringComparison.Ordinal)
            && (r.Path == DeploymentPath(deployment) || Uri.UnescapeDataString(r.Query).Contains($"metadata.name={deployment}", StringComparison.Ordinal)));

    /// <summary>What the engine sent, for failure messages.</summary>
    public string Describe() =>
        $"----- Kubernetes API simulator requests -----{Environment.NewLine}" +
        string.Join(Environment.NewLine, Api.Requests.Select(r => $"{r.At:HH:mm:ss.fff} {r.Method} {r.Path}{r.Query} -> {r.StatusCode}{(r.Mutating && r.Body is { } body ? $" {Truncate(body)}" : "")}")) +
        $"{Environment.NewLine}----- pod requests -----{Environment.NewLine}" +
        string.Join(Environment.NewLine, Pods.Requests.Select(r => $"{r.Method} {r.Pod}:{r.Port}{r.Path}"));

    public async ValueTask DisposeAsync()
    {
        await Pods.DisposeAsync();
        await Api.DisposeAsync();
    }

    public static string DeploymentPath(string deployment) => $"/apis/apps/v1/namespaces/{Namespace}/deployments/{deployment}";

    /// <summary>A Deployment of <see cref="Namespace"/> with <paramref name="labels"/> on its own metadata (for selector targets).</summary>
    public void Label(string deployment, params (string Key, string Value)[] labels) =>
        Api.Cluster.Update(ResourceType.Deployments, Namespace, deployment, current =>
        {
            var metadata = (JsonObject)current["metadata"]!;
            var existing = metadata["labels"] as JsonObject ?? [];
            foreach (var (key, value) in labels)
            {
                existing[key] = value;
            }

            metadata["labels"] = existing;
            return current;
        });

    private static string Truncate(string body) => body.Length <= 200 ? body : body[..200] + "...";
}
