using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>rollback, isolate, set-env, set-resources, patch-hpa, delete-pod, http and health-check.</summary>
public sealed class WorkloadActionTests : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2, image: "cart:1", env: ("MODE", "a")));
        Simulator.Cluster.Create(ResourceType.Services, Namespace, Manifests.Service("cart", "cart"));
        Simulator.ClearRequests();
    }

    [Fact]
    public async Task Rollback_restores_the_previous_revisions_template_and_its_inverse_undoes_it()
    {
        SetImage("cart:2");
        SetImage("cart:3");

        var outcome = await RunAsync("rollback", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Image().ShouldBe("cart:2");
        Revision().ShouldBe("4");
        outcome.Summary.ShouldContain("rolled back from revision 3 to 2");
        Mutations().Single().ContentType.ShouldBe("application/json-patch+json");

        var undo = await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        undo.Status.ShouldBe(ActionStatus.Succeeded, undo.Summary);
        Image().ShouldBe("cart:3");
    }

    [Fact]
    public async Task Rollback_replaces_the_annotations_with_the_revisions_and_reports_the_revision_it_becomes()
    {
        SetImage("cart:2");
        SetImage("cart:3");
        Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", d =>
        {
            d["metadata"]!["annotations"]!["team"] = "added-after-revision-2";
            return d;
        });

        var outcome = await RunAsync("rollback", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        var annotations = Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["metadata"]!["annotations"]!.AsObject();
        annotations.Select(a => a.Key).ShouldBe(["deployment.kubernetes.io/revision"]);
        outcome.Summary.ShouldContain("rolled back from revision 3 to 2's template, which becomes revision 4");
        outcome.After.ShouldBe("""{"cart":4}""");
        Revision().ShouldBe("4");

        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["metadata"]!["annotations"]!["team"]!.GetValue<string>().ShouldBe("added-after-revision-2");
    }

    [Fact]
    public async Task Rollback_to_a_named_revision_and_to_a_missing_one()
    {
        SetImage("cart:2");
        SetImage("cart:3");

        (await RunAsync("rollback", Deployment("cart"), parameters: ("to-revision", "1"))).Status.ShouldBe(ActionStatus.Succeeded);
        Image().ShouldBe("cart:1");

        var missing = await RunAsync("rollback", Deployment("cart"), parameters: ("to-revision", "9"));
        missing.Status.ShouldBe(ActionStatus.Failed);
        missing.Summary.ShouldContain("revision 9 is not in the rollout history (available: 2, 3, 4)");
    }

    [Fact]
    public async Task Rollback_without_history_is_refused_and_dry_run_sends_nothing()
    {
        (await RunAsync("rollback", Deployment("cart"))).Summary.ShouldContain("no previous revision");
        SetImage("cart:2");
        Simulator.ClearRequests();
        var dry = await RunAsync("rollback", Deployment("cart"), dryRun: true);
        dry.Status.ShouldBe(ActionStatus.DryRun);
        Mutations().ShouldBeEmpty();
        Image().ShouldBe("cart:2");
    }

    [Fact]
    public async Task Isolate_scale_to_zero_remembers_the_replicas()
    {
        var outcome = await RunAsync("isolate", Deployment("cart"));
        Replicas().ShouldBe(0);
        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Replicas().ShouldBe(2);
    }

    [Fact]
    public async Task Isolate_quarantine_relabels_a_pod_out_of_its_service_and_the_controller_replaces_it()
    {
        var pod = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items[0]["metadata"]!["name"]!.GetValue<string>();

        var outcome = await RunAsync("isolate", new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, Name = pod }, parameters: ("mode", "quarantine-pod"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        var labels = Simulator.Cluster.Get(ResourceType.Pods, Namespace, pod)["metadata"]!["labels"]!.AsObject();
        labels.ContainsKey("app").ShouldBeFalse();
        labels[IsolateAction.QuarantineLabel]!.GetValue<string>().ShouldBe("true");
        Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=cart").Items.Count.ShouldBe(2);

        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Simulator.Cluster.Get(ResourceType.Pods, Namespace, pod)["metadata"]!["labels"]!["app"]!.GetValue<string>().ShouldBe("cart");
    }

    [Fact]
    public async Task Isolate_network_policy_creates_a_deny_all_policy_that_compensation_deletes()
    {
        var outcome = await RunAsync("isolate", Deployment("cart"), parameters: ("mode", "network-policy"));

        var policy = Simulator.Cluster.Get(ResourceType.NetworkPolicies, Namespace, "remediator-isolate-cart");
        policy["spec"]!["podSelector"]!["matchLabels"]!["app"]!.GetValue<string>().ShouldBe("cart");
        policy["spec"]!["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["Ingress", "Egress"]);
        policy["spec"]!.AsObject().ContainsKey("ingress").ShouldBeFalse();

        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Simulator.Cluster.Find(ResourceType.NetworkPolicies, Namespace, "remediator-isolate-cart").ShouldBeNull();
    }

    [Fact]
    public async Task Set_env_merges_by_name_records_previous_values_and_its_inverse_restores_them_exactly()
    {
        var outcome = await RunAsync("set-env", Deployment("cart"), parameters: [("env.MODE", "b"), ("env.DB_POOL_SIZE", "20")]);

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Env().ShouldBe(["MODE=b", "DB_POOL_SIZE=20"]);
        outcome.Before.ShouldBe("""{"cart":{"cart":{"MODE":{"name":"MODE","value":"a"},"DB_POOL_SIZE":null}}}""");

        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Env().ShouldBe(["MODE=a"]);
    }

    [Fact]
    public async Task Set_env_appends_a_new_variable_after_the_existing_ones_as_kubectl_does()
    {
        // $(MODE) resolves only if MODE comes first: the order is what kubectl set env leaves.
        var outcome = await RunAsync("set-env", Deployment("cart"), parameters: ("env.URL", "http://$(MODE)"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Env().ShouldBe(["MODE=a", "URL=http://$(MODE)"]);
    }

    [Fact]
    public async Task Set_env_for_a_container_that_does_not_exist_is_refused()
    {
        var outcome = await RunAsync("set-env", Deployment("cart"), parameters: [("container", "sidecar"), ("env.A", "1")]);
        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("no container named \"sidecar\"");
    }

    [Fact]
    public async Task Set_resources_patches_requests_and_limits_and_the_inverse_removes_what_was_not_there()
    {
        var outcome = await RunAsync("set-resources", Deployment("cart"), parameters: [("limits.memory", "1Gi"), ("requests.cpu", "250m")]);

        var resources = Container()["resources"]!;
        resources["limits"]!["memory"]!.GetValue<string>().ShouldBe("1Gi");
        resources["requests"]!["cpu"]!.GetValue<string>().ShouldBe("250m");

        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        Container()["resources"]!["limits"]!.AsObject().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Patch_hpa_moves_the_bounds_of_the_autoscaler_that_scales_the_target()
    {
        Simulator.Cluster.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("cart-hpa", "cart", 2, 5));

        var outcome = await RunAsync("patch-hpa", Deployment("cart"), parameters: [("min-replicas", "4"), ("max-replicas", "10")]);

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        var spec = Simulator.Cluster.Get(ResourceType.HorizontalPodAutoscalers, Namespace, "cart-hpa")["spec"]!;
        (spec["minReplicas"]!.GetValue<int>(), spec["maxReplicas"]!.GetValue<int>()).ShouldBe((4, 10));
        await Executor.CompensateAsync(outcome.Compensation!, false, CancellationToken.None);
        spec = Simulator.Cluster.Get(ResourceType.HorizontalPodAutoscalers, Namespace, "cart-hpa")["spec"]!;
        (spec["minReplicas"]!.GetValue<int>(), spec["maxReplicas"]!.GetValue<int>()).ShouldBe((2, 5));
    }

    [Fact]
    public async Task Patch_hpa_refuses_a_max_below_the_min()
    {
        Simulator.Cluster.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("cart-hpa", "cart", 2, 5));
        var target = new RemediationTarget { Kind = TargetKind.HorizontalPodAutoscaler, Namespace = Namespace, Name = "cart-hpa" };
        (await RunAsync("patch-hpa", target, parameters: ("max-replicas", "1"))).Summary.ShouldContain("max-replicas 1 would be below min-replicas 2");
    }

    [Fact]
    public async Task Rollback_set_env_and_patch_hpa_retry_on_a_conflict_from_a_fresh_read()
    {
        SetImage("cart:2");
        Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cart", StatusCode = 409 });
        var rollback = await RunAsync("rollback", Deployment("cart"));
        rollback.Status.ShouldBe(ActionStatus.Succeeded, rollback.Summary);
        Image().ShouldBe("cart:1");

        Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cart", StatusCode = 409 });
        var setEnv = await RunAsync("set-env", Deployment("cart"), parameters: ("env.MODE", "b"));
        setEnv.Status.ShouldBe(ActionStatus.Succeeded, setEnv.Summary);
        Env().ShouldContain("MODE=b");
        Simulator.Cluster.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("cart-hpa", "cart", 2, 5));
        Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/horizontalpodautoscalers/cart-hpa", StatusCode = 409 });
        var hpa = await RunAsync("patch-hpa", Deployment("cart"), parameters: ("max-replicas", "9"));
        hpa.Status.ShouldBe(ActionStatus.Succeeded, hpa.Summary);
        hpa.Before.ShouldBe("""{"cart-hpa":{"minReplicas":2,"maxReplicas":5}}""");
        Logs.Entries.Count(e => e.Message.Contains("changed between our read and our write", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Fact]
    public async Task Every_mutating_action_in_dry_run_sends_no_write_and_says_what_it_would_have_done()
    {
        SetImage("cart:2");
        Simulator.Cluster.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("other-hpa", "other", 2, 5));
        Simulator.Cluster.Create(ResourceType.Nodes, null, Manifests.Node("node-1"));
        var pod = new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, Name = Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=cart").Items[0]["metadata"]!["name"]!.GetValue<string>() };
        var node = new RemediationTarget { Kind = TargetKind.Node, Name = "node-1" };
        var cart = Deployment("cart");
        Simulator.ClearRequests();
        (string Action, RemediationTarget Target, (string Key, string Value)[] Parameters)[] steps =
        [
            ("restart", cart, []),
            ("scale", cart, [("by", "+1")]),
            ("rollback", cart, []),
            ("isolate", cart, []),
            ("isolate", cart, [("mode", "network-policy")]),
            ("isolate", pod, [("mode", "quarantine-pod")]),
            ("reset-circuit-breakers", cart, [("port", "8001")]),
            ("http", cart, [("port", "8080"), ("method", "POST")]),
            ("http", cart, [("via", "service"), ("port", "8080"), ("method", "POST")]),
            ("set-env", cart, [("env.MODE", "b")]),
            ("set-resources", cart, [("limits.memory", "1Gi")]),
            ("patch-hpa", new RemediationTarget { Kind = TargetKind.HorizontalPodAutoscaler, Namespace = Namespace, Name = "other-hpa" }, [("max-replicas", "8")]),
            ("cordon", node, []),
            ("drain", node, []),
            ("delete-pod", pod, []),
        ];

        foreach (var (action, target, parameters) in steps)
        {
            var outcome = await RunAsync(action, target, dryRun: true, parameters: parameters);
            outcome.Status.ShouldBe(ActionStatus.DryRun, $"{action}: {outcome.Summary}");
            outcome.Summary.ShouldStartWith("dry-run: would have ", customMessage: action);
            outcome.PlannedRequests.ShouldNotBeEmpty(action);
        }

        Mutations().ShouldBeEmpty();
        Pods.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Delete_pod_by_selector_deletes_each_and_the_controller_replaces_them()
    {
        var before = Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=cart").Items.Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToList();

        var outcome = await RunAsync("delete-pod", new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, LabelSelector = "app=cart" });

        outcome.Details.Count.ShouldBe(2);
        var after = Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=cart").Items.Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToList();
        after.Count.ShouldBe(2);
        after.Intersect(before).ShouldBeEmpty();
    }

    [Fact]
    public async Task Http_via_service_and_via_pod_check_the_expected_status()
    {
        Pods.Handler = r => r.Path == "/ready" ? new PodResponse(204, "") : new PodResponse(404, "nope");

        (await RunAsync("http", Deployment("cart"), parameters: [("via", "service"), ("port", "8080"), ("path", "/ready")])).Status.ShouldBe(ActionStatus.Succeeded);
        var pods = await RunAsync("http", Deployment("cart"), parameters: [("port", "8080"), ("path", "/other"), ("expect-status", "200")]);
        pods.Status.ShouldBe(ActionStatus.Failed);
        pods.Details.Count.ShouldBe(2);
        pods.Details[0].Message.ShouldBe("answered 404: nope");
    }

    [Fact]
    public async Task Http_via_service_calls_the_named_service_or_else_the_one_named_like_the_target()
    {
        Simulator.Cluster.Create(ResourceType.Services, Namespace, Manifests.Service("cart-api", "cart"));
        Pods.Handler = _ => new PodResponse(200, "ok");

        var named = await RunAsync("http", Deployment("cart"), parameters: [("via", "service"), ("service", "cart-api"), ("port", "8080"), ("path", "/ready")]);

        named.Status.ShouldBe(ActionStatus.Succeeded, named.Summary);
        named.Details.Single().Target.ShouldBe("service/shop/cart-api");
        Simulator.Requests.ShouldContain(r => r.Path == "/api/v1/namespaces/shop/services/cart-api:8080/proxy/ready");
        var byTarget = await RunAsync("http", Deployment("cart"), parameters: [("via", "service"), ("port", "8080"), ("path", "/ready")]);
        byTarget.Details.Single().Target.ShouldBe("service/shop/cart");
    }

    [Fact]
    public async Task Http_to_a_url_posts_and_dry_run_only_plans_it()
    {
        var url = new Uri(Pods.BaseAddress, "/hooks/flush").ToString();
        (await RunAsync("http", Deployment("cart"), dryRun: true, parameters: [("via", "url"), ("url", url), ("method", "POST")])).PlannedRequests.Single().ShouldBe($"POST {url}");
        Pods.Requests.ShouldBeEmpty();

        var sent = await RunAsync("http", Deployment("cart"), parameters: [("via", "url"), ("url", url), ("method", "POST"), ("body", "{}")]);
        sent.Status.ShouldBe(ActionStatus.Succeeded, sent.Summary);
        Pods.Requests.Single().Path.ShouldBe("/hooks/flush");
    }

    [Fact]
    public async Task Health_check_requires_2xx_and_the_expected_json_field_on_every_ready_pod()
    {
        var sick = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items[0]["metadata"]!["name"]!.GetValue<string>();
        Pods.Handler = r => new PodResponse(200, r.Pod == sick ? """{"status":"DOWN"}""" : """{"status":"UP"}""");

        var outcome = await RunAsync("health-check", Deployment("cart"), parameters: [("port", "8080"), ("path", "/actuator/health"), ("json-field", "status"), ("expect", "UP")]);

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Details.Single(d => !d.Succeeded).Message.ShouldBe("status is DOWN, expected UP");
        Pods.Requests.ShouldAllBe(r => r.Method == "GET" && r.Path == "/actuator/health");
    }

    private void SetImage(string image) =>
        Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", d =>
        {
            d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = image;
            return d;
        });

    private JsonNode Container() => Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["spec"]!["template"]!["spec"]!["containers"]![0]!;

    private string Image() => Container()["image"]!.GetValue<string>();

    private string Revision() => Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>();

    private int Replicas() => Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart")["spec"]!["replicas"]!.GetValue<int>();

    private List<string> Env() => [.. Container()["env"]!.AsArray().Select(e => $"{e!["name"]}={e["value"]}")];
}
