using System.Net;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Client;

public sealed class KubernetesApiClientTests : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
    }

    [Fact]
    public async Task Reads_lists_and_patches_over_http()
    {
        var deployment = await Api.GetAsync(KubernetesResource.Deployments, Namespace, "cart");
        deployment["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
        var pods = await Api.ListAsync(KubernetesResource.Pods, Namespace, "app=cart");
        pods.Count.ShouldBe(2);
        pods.ShouldAllBe(p => p["kind"]!.GetValue<string>() == "Pod");
        var scaled = await Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!, "scale");
        scaled["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task Every_request_names_the_engine_and_every_write_its_field_manager()
    {
        var pods = (await Api.ListAsync(KubernetesResource.Pods, Namespace, "app=cart")).Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToList();
        await Api.GetAsync(KubernetesResource.Deployments, Namespace, "cart");
        await Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!, "scale");
        await Api.CreateAsync(KubernetesResource.NetworkPolicies, Namespace, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "deny" }, ["spec"] = new JsonObject() });
        await Api.DeleteAsync(KubernetesResource.NetworkPolicies, Namespace, "deny");
        await Api.EvictAsync(Namespace, pods[0]);
        await Api.ProxyAsync(new ProxyRequest(ProxyTargetKind.Pod, Namespace, pods[1], 8001, HttpMethod.Post, "/reset"));

        KubernetesApiClient.UserAgent.ToString().ShouldStartWith("remediator/");
        Simulator.Requests.ShouldAllBe(r => r.UserAgent == KubernetesApiClient.UserAgent.ToString());
        var writes = Simulator.Requests.Where(r => r.Method is "POST" or "PUT" or "PATCH").ToList();
        var (proxied, own) = (writes.Where(r => r.Path.Contains("/proxy", StringComparison.Ordinal)).ToList(), writes.Where(r => !r.Path.Contains("/proxy", StringComparison.Ordinal)).ToList());
        own.Select(r => r.Method).ShouldBe(["PATCH", "POST", "POST"]);
        own.ShouldAllBe(r => r.Query == "?fieldManager=" + KubernetesApiClient.FieldManager);

        // A proxied request's query reaches the pod: the engine's bookkeeping stays out of it.
        proxied.ShouldHaveSingleItem().Query.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_watch_yields_the_changes_after_a_resource_version()
    {
        var since = (await Api.GetAsync(KubernetesResource.Deployments, Namespace, "cart"))["metadata"]!["resourceVersion"]!.GetValue<string>();
        await Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":4}}""")!, "scale");

        await foreach (var change in Api.WatchAsync(KubernetesResource.Deployments, Namespace, "cart", since))
        {
            change.Type.ShouldBe("MODIFIED");
            change.Item["spec"]!["replicas"]!.GetValue<int>().ShouldBe(4);
            change.ResourceVersion.ShouldNotBe(since);
            break;
        }

        Simulator.Requests.ShouldContain(r => r.Query.Contains("watch=true", StringComparison.Ordinal) && r.Query.Contains("fieldSelector=metadata.name%3Dcart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_watch_stays_open_beyond_the_per_request_timeout()
    {
        // The per-request timeout bounds the wait for the response headers, not a watch's life.
        using var client = CreateClient(new KubernetesClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        var since = Simulator.Cluster.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var watch = client.WatchAsync(KubernetesResource.Deployments, Namespace, "cart", since).GetAsyncEnumerator();
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        await Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":5}}""")!, "scale");

        (await next).ShouldBeTrue();
        watch.Current.Item["spec"]!["replicas"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public async Task A_watch_from_a_compacted_resource_version_is_a_gone_exception()
    {
        var old = (Simulator.Cluster.ResourceVersion - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Simulator.Cluster.CompactHistory();

        var e = await Should.ThrowAsync<KubernetesApiException>(async () =>
        {
            await foreach (var change in Api.WatchAsync(KubernetesResource.Deployments, Namespace, null, old))
            {
                change.ShouldBeNull();
            }
        });

        e.IsGone.ShouldBeTrue();
        e.Reason.ShouldBe("Expired");
        e.Message.ShouldContain("too old resource version");
    }

    [Fact]
    public async Task A_missing_object_is_a_not_found_exception_with_the_server_message()
    {
        var e = await Should.ThrowAsync<KubernetesApiException>(() => Api.GetAsync(KubernetesResource.Deployments, Namespace, "nope"));
        e.IsNotFound.ShouldBeTrue();
        e.Reason.ShouldBe("NotFound");
        e.Message.ShouldContain("deployments.apps \"nope\" not found");
    }

    [Fact]
    public async Task A_403_names_the_verb_and_the_resource()
    {
        Simulator.Deny("patch", "deployments/scale");
        var e = await Should.ThrowAsync<KubernetesApiException>(() =>
            Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!, "scale"));
        e.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        e.Verb.ShouldBe("patch");
        e.Resource.ShouldBe("deployments.apps/scale");
        e.Message.ShouldStartWith("forbidden: the engine's identity may not patch deployments.apps/scale in namespace \"shop\"");
    }

    [Fact]
    public async Task Status_causes_are_part_of_the_message()
    {
        var e = await Should.ThrowAsync<KubernetesApiException>(() =>
            Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":-1}}""")!, "scale"));
        e.Reason.ShouldBe("Invalid");
        e.Causes.Single().Field.ShouldBe("spec.replicas");
        e.Message.ShouldContain("[spec.replicas: Invalid value: -1: must be greater than or equal to 0]");
    }

    [Fact]
    public async Task A_429_is_retried_after_the_servers_retry_after()
    {
        Simulator.InjectFault(new Fault { Method = "GET", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1) });
        var deployment = await Api.GetAsync(KubernetesResource.Deployments, Namespace, "cart");
        deployment["metadata"]!["name"]!.GetValue<string>().ShouldBe("cart");
        Simulator.Requests.Select(r => r.StatusCode).ShouldBe([429, 200]);
        var retry = Logs.Entries.Single(e => e.State.Any(kv => kv.Key == "RetryDelay"));
        retry.State.Single(kv => kv.Key == "RetryDelay").Value.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_429_is_retried_even_for_a_patch()
    {
        Simulator.InjectFault(new Fault { Method = "PATCH", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1) });
        await Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!);
        Simulator.Requests.Select(r => r.StatusCode).ShouldBe([429, 200]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_longest_wait_fails_at_once_saying_so()
    {
        using var client = CreateClient(new KubernetesClientOptions { MaxRetryAfter = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        Simulator.InjectFault(new Fault { Method = "PATCH", StatusCode = 429, RetryAfter = TimeSpan.FromHours(1), Times = 10 });
        Simulator.InjectFault(new Fault { Method = "GET", StatusCode = 503, RetryAfter = TimeSpan.FromHours(1), Times = 10 });

        var throttled = await Should.ThrowAsync<KubernetesApiException>(() =>
            client.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!));
        throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        throttled.Message.ShouldContain("asked to retry after 01:00:00, longer than Remediator:Kubernetes:MaxRetryAfter (00:00:01): not retried");
        var unavailable = await Should.ThrowAsync<KubernetesApiException>(() => client.GetAsync(KubernetesResource.Deployments, Namespace, "cart"));
        unavailable.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        Simulator.Requests.Select(r => r.StatusCode).ShouldBe([429, 503]);
    }

    [Fact]
    public async Task A_5xx_is_retried_for_reads_but_not_for_patches()
    {
        Simulator.InjectFault(new Fault { Method = "GET", StatusCode = 503, Times = 2 });
        await Api.GetAsync(KubernetesResource.Deployments, Namespace, "cart");
        Simulator.Requests.Select(r => r.StatusCode).ShouldBe([503, 503, 200]);

        Simulator.ClearRequests();
        Simulator.InjectFault(new Fault { Method = "PATCH", StatusCode = 500 });
        var e = await Should.ThrowAsync<KubernetesApiException>(() =>
            Api.PatchAsync(KubernetesResource.Deployments, Namespace, "cart", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!));
        e.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        Simulator.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_slow_server_times_out_each_attempt_and_reads_are_retried()
    {
        using var client = CreateClient(new KubernetesClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200), RetryBaseDelay = TimeSpan.FromMilliseconds(10), MaxRetries = 1 });
        Simulator.InjectFault(new Fault { Method = "GET", Delay = TimeSpan.FromSeconds(5) });
        var deployment = await client.GetAsync(KubernetesResource.Deployments, Namespace, "cart");
        deployment["metadata"]!["name"]!.GetValue<string>().ShouldBe("cart");
    }

    [Fact]
    public async Task The_circuit_breaker_opens_after_repeated_server_failures_and_then_fails_fast()
    {
        using var client = CreateClient(new KubernetesClientOptions { MaxRetries = 0, BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, BreakerBreakDuration = TimeSpan.FromMinutes(1) });
        Simulator.InjectFault(new Fault { StatusCode = 500, Times = 10 });
        await Should.ThrowAsync<KubernetesApiException>(() => client.GetAsync(KubernetesResource.Deployments, Namespace, "cart"));
        await Should.ThrowAsync<KubernetesApiException>(() => client.GetAsync(KubernetesResource.Deployments, Namespace, "cart"));
        var e = await Should.ThrowAsync<KubernetesUnavailableException>(() => client.GetAsync(KubernetesResource.Deployments, Namespace, "cart"));
        e.Message.ShouldContain("circuit breaker is open");
        Simulator.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Proxy_answers_from_the_pod_are_returned_whatever_their_status()
    {
        Pods.Handler = _ => new PodResponse(503, """{"status":"DOWN"}""");
        var pod = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items[0]["metadata"]!["name"]!.GetValue<string>();
        var response = await Api.ProxyAsync(new ProxyRequest(ProxyTargetKind.Pod, Namespace, pod, 8080, HttpMethod.Get, "/health"));
        response.StatusCode.ShouldBe(503);
        response.Body.ShouldContain("DOWN");
        Pods.Requests.Count.ShouldBe(1);
    }
}
