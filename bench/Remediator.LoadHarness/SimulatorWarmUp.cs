using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Simulator;

namespace Remediator.LoadHarness;

/// <summary>
/// Runs the requests a restart costs the simulator (read the Deployment, patch its template,
/// list its ReplicaSets, write an Event) through its HTTP API before it is measured, as every
/// engine is warmed up before its burst: otherwise the simulator's JIT compilation of those paths
/// lands in the first burst and is reported as the cost of serving it. The request log is
/// cleared afterwards, so no figure sees these requests.
/// </summary>
public static class SimulatorWarmUp
{
    /// <summary>The namespace the warm-up's Deployments live in; the harness names none there.</summary>
    public const string Namespace = "simulator-warm-up";

    // Past the runtime's tier-up threshold (30 calls) for every path of a restart; each
    // Deployment is restarted a few times so that none collects a long ReplicaSet history.
    private const int Deployments = 20;
    private const int RestartsEach = 10;

    public static async Task RunAsync(KubernetesSimulator simulator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KubernetesSimulator.DefaultToken);
        var names = Enumerable.Range(0, Deployments).Select(i => $"warm-up-{i}").ToList();
        foreach (var name in names)
        {
            simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment(name));
        }

        var deployments = $"apis/apps/v1/namespaces/{Namespace}/deployments";
        for (var restart = 0; restart < RestartsEach; restart++)
        {
            foreach (var name in names)
            {
                (await http.GetAsync(new Uri($"{deployments}/{name}", UriKind.Relative), cancellationToken)).EnsureSuccessStatusCode();
                var patch = new JsonObject
                {
                    ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/restartedAt"] = $"warm-up-{restart}" } } } },
                }.ToJsonString();
                using var content = new StringContent(patch, Encoding.UTF8, "application/strategic-merge-patch+json");
                (await http.PatchAsync(new Uri($"{deployments}/{name}", UriKind.Relative), content, cancellationToken)).EnsureSuccessStatusCode();
                (await http.GetAsync(new Uri($"apis/apps/v1/namespaces/{Namespace}/replicasets?labelSelector=app%3D{name}", UriKind.Relative), cancellationToken)).EnsureSuccessStatusCode();
                var warmUpEvent = $$"""{"metadata":{"generateName":"{{name}}."},"involvedObject":{"kind":"Deployment","namespace":"{{Namespace}}","name":"{{name}}"},"reason":"WarmUp","message":"simulator warm-up","type":"Normal"}""";
                using var eventContent = new StringContent(warmUpEvent, Encoding.UTF8, "application/json");
                (await http.PostAsync(new Uri($"api/v1/namespaces/{Namespace}/events", UriKind.Relative), eventContent, cancellationToken)).EnsureSuccessStatusCode();
            }
        }

        simulator.ClearRequests();
    }
}
