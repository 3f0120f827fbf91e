using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Simulator;

/// <summary>The simulator behaves as the API server does, over real HTTP.</summary>
public sealed class SimulatorTests : IAsyncLifetime
{
    private const string Deployments = "/apis/apps/v1/namespaces/shop/deployments";
    private KubernetesSimulator _sim = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _sim = await KubernetesSimulator.StartAsync();
        _http = new HttpClient { BaseAddress = _sim.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KubernetesSimulator.DefaultToken);
        _sim.Cluster.Create(ResourceType.Deployments, "shop", Manifests.Deployment("cart", replicas: 2, env: ("MODE", "a")));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task Unauthenticated_requests_get_a_401_status()
    {
        using var anonymous = new HttpClient { BaseAddress = _sim.BaseAddress };
        var response = await anonymous.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Json(response))["kind"]!.GetValue<string>().ShouldBe("Status");
    }

    [Fact]
    public async Task Missing_objects_are_404_statuses_naming_the_resource()
    {
        var status = await Json(await _http.GetAsync(new Uri(Deployments + "/nope", UriKind.Relative)));
        status["reason"]!.GetValue<string>().ShouldBe("NotFound");
        status["message"]!.GetValue<string>().ShouldBe("deployments.apps \"nope\" not found");
        status["code"]!.GetValue<int>().ShouldBe(404);
    }

    [Fact]
    public async Task A_deployment_gets_a_revisioned_replicaset_ready_pods_and_complete_status()
    {
        var deployment = await Json(await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative)));
        deployment["status"]!["observedGeneration"]!.GetValue<long>().ShouldBe(1);
        deployment["status"]!["availableReplicas"]!.GetValue<int>().ShouldBe(2);
        var replicaSets = await Json(await _http.GetAsync(new Uri("/apis/apps/v1/namespaces/shop/replicasets", UriKind.Relative)));
        var rs = replicaSets["items"]!.AsArray().Single()!;
        rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().ShouldBe("1");
        var pods = await Json(await _http.GetAsync(new Uri("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcart", UriKind.Relative)));
        pods["items"]!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_env_by_name_and_bumps_generation_and_then_the_revision()
    {
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"cart","env":[{"name":"POOL","value":"9"}]}]}}}}""";
        var patched = await Json(await Patch(Deployments + "/cart", patch, "application/strategic-merge-patch+json"));
        var env = patched["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();

        // Without $setElementOrder the API server puts an item the list did not have first.
        env.Select(e => e!["name"]!.GetValue<string>()).ShouldBe(["POOL", "MODE"]);
        patched["metadata"]!["generation"]!.GetValue<long>().ShouldBe(2);

        // The answer is the object as written; the controller's new revision shows on the next read.
        patched["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().ShouldBe("1");
        var read = await Json(await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative)));
        read["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().ShouldBe("2");
    }

    [Fact]
    public void Strategic_merge_patch_orders_lists_as_the_API_server_does_and_as_setElementOrder_says()
    {
        static string[] Names(JsonNode? list) => [.. list!.AsArray().Select(e => e!["name"]!.GetValue<string>())];
        var target = JsonNode.Parse("""{"env":[{"name":"A"},{"name":"B"},{"name":"C"}]}""");

        Names(Patching.ApplyStrategicMergePatch(target, JsonNode.Parse("""{"env":[{"name":"B","value":"2"},{"name":"N"}]}"""))!["env"]).ShouldBe(["A", "B", "N", "C"]);
        Names(Patching.ApplyStrategicMergePatch(target, JsonNode.Parse("""{"env":[{"name":"C","value":"3"}]}"""))!["env"]).ShouldBe(["A", "B", "C"]);
        Names(Patching.ApplyStrategicMergePatch(target, JsonNode.Parse("""
            {"$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"N"}],"env":[{"name":"B","value":"2"},{"name":"N"}]}
            """))!["env"]).ShouldBe(["A", "B", "C", "N"]);
    }

    [Fact]
    public async Task Merge_patch_replaces_lists()
    {
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"other","image":"x"}]}}}}""";
        var patched = await Json(await Patch(Deployments + "/cart", patch, "application/merge-patch+json"));
        patched["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("other");
    }

    [Fact]
    public async Task Json_patch_applies_and_a_failed_test_is_422()
    {
        var ok = await Patch(Deployments + "/cart", """[{"op":"replace","path":"/spec/replicas","value":3}]""", "application/json-patch+json");
        (await Json(ok))["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
        var failed = await Patch(Deployments + "/cart", """[{"op":"test","path":"/spec/replicas","value":7}]""", "application/json-patch+json");
        failed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_stale_resource_version_is_a_409_conflict()
    {
        var current = await Json(await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative)));
        await Patch(Deployments + "/cart", """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        current["spec"]!["replicas"] = 5;
        var response = await _http.PutAsync(new Uri(Deployments + "/cart", UriKind.Relative), new StringContent(current.ToJsonString(), Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Json(response))["reason"]!.GetValue<string>().ShouldBe("Conflict");
    }

    [Fact]
    public async Task A_patch_carrying_a_stale_resource_version_is_a_409_conflict()
    {
        var current = await Json(await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative)));
        var version = current["metadata"]!["resourceVersion"]!.GetValue<string>();
        await Patch(Deployments + "/cart", """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        var stale = await Patch(Deployments + "/cart", $$$"""{"metadata":{"resourceVersion":"{{{version}}}"},"spec":{"replicas":5}}""", "application/merge-patch+json");
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        _sim.Cluster.Get(ResourceType.Deployments, "shop", "cart")["spec"]!["replicas"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task The_scale_subresource_reads_and_patches_replicas_and_rejects_negatives_with_causes()
    {
        var scale = await Json(await _http.GetAsync(new Uri(Deployments + "/cart/scale", UriKind.Relative)));
        scale["kind"]!.GetValue<string>().ShouldBe("Scale");
        scale["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
        await Patch(Deployments + "/cart/scale", """{"spec":{"replicas":5}}""", "application/merge-patch+json");
        _sim.Cluster.Get(ResourceType.Deployments, "shop", "cart")["status"]!["replicas"]!.GetValue<int>().ShouldBe(5);
        var invalid = await Json(await Patch(Deployments + "/cart/scale", """{"spec":{"replicas":-1}}""", "application/merge-patch+json"));
        invalid["reason"]!.GetValue<string>().ShouldBe("Invalid");
        invalid["details"]!["causes"]![0]!["field"]!.GetValue<string>().ShouldBe("spec.replicas");
    }

    [Fact]
    public async Task Stepwise_rollouts_advance_one_step_per_read()
    {
        _sim.Cluster.SetRolloutBehavior("shop", "cart", RolloutBehavior.Stepwise);
        await Patch(Deployments + "/cart", """{"spec":{"template":{"metadata":{"annotations":{"x":"1"}}}}}""", "application/strategic-merge-patch+json");
        var statuses = new List<JsonNode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await Json(await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative))))["status"]!);
        }

        statuses[0]["observedGeneration"]!.GetValue<long>().ShouldBe(2);
        statuses[0]["updatedReplicas"].ShouldBeNull();
        statuses[1]["updatedReplicas"]!.GetValue<int>().ShouldBe(1);
        statuses[2]["updatedReplicas"]!.GetValue<int>().ShouldBe(2);
        statuses[3]["availableReplicas"]!.GetValue<int>().ShouldBe(2);
        statuses[3]["replicas"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Eviction_is_refused_with_429_when_the_budget_would_be_violated()
    {
        _sim.Cluster.Create(ResourceType.PodDisruptionBudgets, "shop", Manifests.PodDisruptionBudget("cart-pdb", "cart", minAvailable: 2));
        var pod = _sim.Cluster.List(ResourceType.Pods, "shop").Items[0]["metadata"]!["name"]!.GetValue<string>();
        var eviction = new JsonObject { ["apiVersion"] = "policy/v1", ["kind"] = "Eviction", ["metadata"] = new JsonObject { ["name"] = pod, ["namespace"] = "shop" } }.ToJsonString();
        var response = await _http.PostAsync(new Uri($"/api/v1/namespaces/shop/pods/{pod}/eviction", UriKind.Relative), new StringContent(eviction, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await Json(response))["details"]!["causes"]![0]!["reason"]!.GetValue<string>().ShouldBe("DisruptionBudget");
    }

    [Fact]
    public async Task The_pod_proxy_forwards_to_the_server_playing_the_pod()
    {
        await using var pods = await FakePodServer.StartAsync();
        pods.Serve(_sim);
        var pod = _sim.Cluster.List(ResourceType.Pods, "shop").Items[0]["metadata"]!["name"]!.GetValue<string>();
        var response = await _http.PostAsync(new Uri($"/api/v1/namespaces/shop/pods/{pod}:8001/proxy/circuit-breakers/reset", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        pods.Requests.Single().ShouldBe(new PodRequest("shop", pod, 8001, "POST", "/circuit-breakers/reset", "{}"));
    }

    [Fact]
    public async Task Injected_faults_answer_with_retry_after_and_are_logged()
    {
        _sim.InjectFault(new Fault { Method = "GET", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(2) });
        var throttled = await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative));
        throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        (await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        _sim.Requests.Select(r => r.StatusCode).ShouldBe([429, 200]);
    }

    [Fact]
    public async Task Denied_verbs_are_403_naming_user_verb_and_resource()
    {
        _sim.Deny("patch", "deployments/scale");
        var status = await Json(await Patch(Deployments + "/cart/scale", """{"spec":{"replicas":5}}""", "application/merge-patch+json"));
        status["code"]!.GetValue<int>().ShouldBe(403);
        status["message"]!.GetValue<string>().ShouldContain("cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\"");
    }

    [Fact]
    public async Task A_json_patch_that_cannot_apply_is_422_and_a_body_that_is_no_json_patch_is_400_as_the_API_server_answers()
    {
        var missing = await Patch(Deployments + "/cart", """[{"op":"replace","path":"/spec/nope/deeper","value":1}]""", JsonPatch);
        missing.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await Json(missing))["kind"]!.GetValue<string>().ShouldBe("Status");
        var notAPatch = await Patch(Deployments + "/cart", """{"op":"replace","path":"/spec/replicas","value":1}""", JsonPatch);
        notAPatch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var notJson = await Patch(Deployments + "/cart", "{spec:", MergePatch);
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        _sim.Cluster.Get(ResourceType.Deployments, "shop", "cart")["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task A_patch_that_leaves_an_invalid_object_is_422_invalid_naming_the_field()
    {
        var invalid = await Patch(Deployments + "/cart", """{"spec":{"replicas":-1}}""", StrategicMergePatch);

        invalid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var status = await Json(invalid);
        status["reason"]!.GetValue<string>().ShouldBe("Invalid");
        status["details"]!["causes"]![0]!["field"]!.GetValue<string>().ShouldBe("spec.replicas");
    }

    [Fact]
    public async Task A_stale_resource_version_in_a_json_patch_or_on_the_scale_subresource_is_a_409_conflict()
    {
        var version = (await Json(await _http.GetAsync(new Uri(Deployments + "/cart", UriKind.Relative))))["metadata"]!["resourceVersion"]!.GetValue<string>();
        await Patch(Deployments + "/cart", """{"spec":{"replicas":4}}""", MergePatch);

        var json = await Patch(Deployments + "/cart", $$$"""[{"op":"replace","path":"/metadata/resourceVersion","value":"{{{version}}}"},{"op":"replace","path":"/spec/replicas","value":5}]""", JsonPatch);
        var scale = await Patch(Deployments + "/cart/scale", $$$"""{"metadata":{"resourceVersion":"{{{version}}}"},"spec":{"replicas":5}}""", MergePatch);

        json.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        scale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Json(scale))["reason"]!.GetValue<string>().ShouldBe("Conflict");
        _sim.Cluster.Get(ResourceType.Deployments, "shop", "cart")["spec"]!["replicas"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task Writes_to_a_missing_object_are_404_statuses_naming_it()
    {
        var patch = await Patch(Deployments + "/nope", """{"spec":{"replicas":1}}""", StrategicMergePatch);
        var scale = await Patch(Deployments + "/nope/scale", """{"spec":{"replicas":1}}""", MergePatch);
        var delete = await _http.DeleteAsync(new Uri("/api/v1/namespaces/shop/pods/nope", UriKind.Relative));
        var evict = await _http.PostAsync(new Uri("/api/v1/namespaces/shop/pods/nope/eviction", UriKind.Relative), new StringContent("""{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"nope","namespace":"shop"}}""", Encoding.UTF8, "application/json"));

        foreach (var response in new[] { patch, scale, delete, evict })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await Json(response))["reason"]!.GetValue<string>().ShouldBe("NotFound");
        }

        (await Json(delete))["message"]!.GetValue<string>().ShouldBe("pods \"nope\" not found");
    }

    [Fact]
    public async Task A_strategic_merge_null_removes_the_field_as_kubectl_uncordon_sends_it()
    {
        _sim.Cluster.Create(ResourceType.Nodes, null, Manifests.Node("node-1"));
        await Patch("/api/v1/nodes/node-1", """{"spec":{"unschedulable":true}}""", StrategicMergePatch);
        _sim.Cluster.Get(ResourceType.Nodes, null, "node-1")["spec"]!["unschedulable"]!.GetValue<bool>().ShouldBeTrue();

        (await Patch("/api/v1/nodes/node-1", """{"spec":{"unschedulable":null}}""", StrategicMergePatch)).StatusCode.ShouldBe(HttpStatusCode.OK);

        _sim.Cluster.Get(ResourceType.Nodes, null, "node-1")["spec"]!.AsObject().ContainsKey("unschedulable").ShouldBeFalse();
    }

    [Fact]
    public async Task Creating_an_object_that_exists_is_409_already_exists()
    {
        const string policy = """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny"},"spec":{"podSelector":{}}}""";
        var path = new Uri("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies", UriKind.Relative);
        (await _http.PostAsync(path, new StringContent(policy, Encoding.UTF8, "application/json"))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var again = await _http.PostAsync(path, new StringContent(policy, Encoding.UTF8, "application/json"));

        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Json(again))["reason"]!.GetValue<string>().ShouldBe("AlreadyExists");
    }

    private const string JsonPatch = "application/json-patch+json";
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";

    private Task<HttpResponseMessage> Patch(string path, string body, string contentType) =>
        _http.PatchAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType));

    private static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
