using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Simulator;

/// <summary>The simulator's watch streams: chunked JSON lines from a resourceVersion, as the API server sends them.</summary>
public sealed class WatchTests : IAsyncLifetime
{
    private const string Deployments = "/apis/apps/v1/namespaces/shop/deployments";
    private KubernetesSimulator _sim = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _sim = await KubernetesSimulator.StartAsync();
        _http = new HttpClient { BaseAddress = _sim.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KubernetesSimulator.DefaultToken);
        _sim.Cluster.Create(ResourceType.Deployments, "shop", Manifests.Deployment("cart", replicas: 2));
        _sim.Cluster.Create(ResourceType.Deployments, "shop", Manifests.Deployment("web", replicas: 1));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task A_single_object_watch_streams_the_changes_after_the_resource_version()
    {
        var since = _sim.Cluster.Get(ResourceType.Deployments, "shop", "cart")["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var watch = await OpenAsync($"{Deployments}?watch=true&fieldSelector=metadata.name%3Dcart&resourceVersion={since}");
        watch.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        watch.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        watch.Response.Headers.TransferEncodingChunked.ShouldBe(true);

        _sim.Cluster.Update(ResourceType.Deployments, "shop", "web", d => Scaled(d, 4));
        _sim.Cluster.Update(ResourceType.Deployments, "shop", "cart", d => Scaled(d, 5));

        var change = await watch.NextAsync();
        change["type"]!.GetValue<string>().ShouldBe("MODIFIED");
        change["object"]!["metadata"]!["name"]!.GetValue<string>().ShouldBe("cart");
        change["object"]!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(5);
        long.Parse(change["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(long.Parse(since, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_list_watch_from_zero_starts_with_the_current_objects_as_added_and_follows_deletions()
    {
        using var watch = await OpenAsync("/api/v1/namespaces/shop/pods?watch=1&labelSelector=app%3Dweb");
        var added = await watch.NextAsync();
        added["type"]!.GetValue<string>().ShouldBe("ADDED");
        var pod = added["object"]!["metadata"]!["name"]!.GetValue<string>();

        _sim.Cluster.Delete(ResourceType.Pods, "shop", pod);

        JsonNode change;
        do
        {
            change = await watch.NextAsync();
        }
        while (change["object"]!["metadata"]!["name"]!.GetValue<string>() != pod);

        change["type"]!.GetValue<string>().ShouldBe("DELETED");
    }

    [Fact]
    public async Task A_resource_version_older_than_the_history_ends_the_watch_with_a_410_expired_status()
    {
        var old = _sim.Cluster.ResourceVersion - 1;
        _sim.Cluster.CompactHistory();

        using var watch = await OpenAsync($"{Deployments}?watch=true&resourceVersion={old}");
        var error = await watch.NextAsync();

        error["type"]!.GetValue<string>().ShouldBe("ERROR");
        error["object"]!["kind"]!.GetValue<string>().ShouldBe("Status");
        error["object"]!["code"]!.GetValue<int>().ShouldBe(410);
        error["object"]!["reason"]!.GetValue<string>().ShouldBe("Expired");
        (await watch.Reader.ReadLineAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task A_watch_ends_after_timeout_seconds_or_when_the_server_cuts_it()
    {
        var now = _sim.Cluster.ResourceVersion;
        using (var quiet = await OpenAsync($"{Deployments}?watch=true&timeoutSeconds=1&resourceVersion={now}"))
        {
            (await quiet.Reader.ReadLineAsync()).ShouldBeNull();
        }

        _sim.MaxWatchEvents = 1;
        using var cut = await OpenAsync($"{Deployments}?watch=true&resourceVersion={now}");
        _sim.Cluster.Update(ResourceType.Deployments, "shop", "cart", d => Scaled(d, 3));
        _sim.Cluster.Update(ResourceType.Deployments, "shop", "web", d => Scaled(d, 3));
        (await cut.NextAsync())["type"]!.GetValue<string>().ShouldBe("MODIFIED");
        (await cut.Reader.ReadLineAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task A_watched_stepwise_rollout_progresses_without_gets()
    {
        _sim.Cluster.SetRolloutBehavior("shop", "cart", RolloutBehavior.Stepwise);
        _sim.Cluster.Update(ResourceType.Deployments, "shop", "cart", d => Scaled(d, 3));
        var since = _sim.Cluster.Find(ResourceType.Deployments, "shop", "cart")!["metadata"]!["resourceVersion"]!.GetValue<string>();

        using var watch = await OpenAsync($"{Deployments}?watch=true&fieldSelector=metadata.name%3Dcart&resourceVersion={since}");
        JsonNode change;
        do
        {
            change = await watch.NextAsync();
        }
        while (change["object"]!["status"]!["updatedReplicas"]?.GetValue<int>() != 3);

        change["object"]!["status"]!["observedGeneration"]!.GetValue<long>().ShouldBe(2);
    }

    private static JsonObject Scaled(JsonObject deployment, int replicas)
    {
        deployment["spec"]!["replicas"] = replicas;
        return deployment;
    }

    private async Task<Watch> OpenAsync(string url)
    {
        var response = await _http.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        return new Watch(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private sealed record Watch(HttpResponseMessage Response, StreamReader Reader) : IDisposable
    {
        public async Task<JsonNode> NextAsync() => JsonNode.Parse(await Reader.ReadLineAsync() ?? throw new InvalidOperationException("the watch ended"))!;

        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }
    }
}
