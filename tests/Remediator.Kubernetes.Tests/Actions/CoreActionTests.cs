using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>restart, scale, wait-for-rollout and reset-circuit-breakers against the simulator.</summary>
public sealed class CoreActionTests : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 3));
        Simulator.ClearRequests();
    }

    [Fact]
    public async Task Restart_stamps_restartedAt_and_rolls_a_new_replicaset()
    {
        var outcome = await RunAsync("restart", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        var deployment = Simulator.Cluster.Get(ResourceType.Deployments, Namespace, "cart");
        deployment["spec"]!["template"]!["metadata"]!["annotations"]![RestartAction.RestartedAtAnnotation].ShouldNotBeNull();
        deployment["metadata"]!["generation"]!.GetValue<long>().ShouldBe(2);
        deployment["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().ShouldBe("2");
        var patch = Mutations().Single();
        patch.Method.ShouldBe("PATCH");
        patch.ContentType.ShouldBe("application/strategic-merge-patch+json");
        outcome.Compensation.ShouldBeNull();
    }

    [Fact]
    public async Task Restart_refuses_a_paused_deployment()
    {
        Simulator.Cluster.Update(ResourceType.Deployments, Namespace, "cart", d =>
        {
            d["spec"]!["paused"] = true;
            return d;
        });
        Simulator.ClearRequests();

        var outcome = await RunAsync("restart", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("is paused");
        Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task Restart_in_dry_run_sends_nothing_and_says_what_it_would_do()
    {
        var outcome = await RunAsync("restart", Deployment("cart"), dryRun: true);

        outcome.Status.ShouldBe(ActionStatus.DryRun);
        outcome.Summary.ShouldStartWith("dry-run: would have restarted deployment/shop/cart");
        outcome.PlannedRequests.Single().ShouldStartWith("PATCH deployments.apps shop/cart (StrategicMerge)");
        Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task Restart_acts_on_every_workload_a_selector_matches()
    {
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("checkout", replicas: 1));
        var outcome = await RunAsync("restart", new RemediationTarget { Kind = TargetKind.Deployment, Namespace = Namespace, LabelSelector = "" });
        outcome.Details.Count.ShouldBe(2);
        Mutations().Count.ShouldBe(2);
    }

    [Fact]
    public async Task Scale_sets_absolute_replicas_and_its_compensation_restores_them()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "5"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Replicas("cart").ShouldBe(5);
        outcome.Before.ShouldBe("""{"cart":3}""");
        outcome.After.ShouldBe("""{"cart":5}""");

        var undo = await Executor.CompensateAsync(outcome.Compensation!, dryRun: false, CancellationToken.None);
        undo.Status.ShouldBe(ActionStatus.Succeeded, undo.Summary);
        Replicas("cart").ShouldBe(3);
    }

    [Fact]
    public async Task Scale_by_a_delta_is_clamped_to_the_bounds()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: [("by", "+4"), ("max", "5")]);
        Replicas("cart").ShouldBe(5);
        outcome.Summary.ShouldContain("clamped");

        await RunAsync("scale", Deployment("cart"), parameters: [("by", "-9"), ("min", "1")]);
        Replicas("cart").ShouldBe(1);
    }

    [Fact]
    public async Task Scale_reads_again_and_retries_when_the_workload_changed_between_read_and_write()
    {
        Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cart/scale", StatusCode = 409 });

        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("by", "+1"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Replicas("cart").ShouldBe(4);
        Simulator.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/deployments/cart/scale", StringComparison.Ordinal)).ShouldBe(2);
        var patches = Mutations();
        patches.Select(r => r.StatusCode).ShouldBe([409, 200]);
        patches[1].Body!.ShouldContain("\"resourceVersion\":");
    }

    [Fact]
    public async Task Scale_gives_up_after_repeated_conflicts_and_says_so()
    {
        Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cart/scale", StatusCode = 409, Times = 10 });

        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("by", "+1"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("409 Conflict");
        Mutations().Count.ShouldBe(5);
    }

    [Fact]
    public async Task Scale_refuses_a_workload_an_hpa_manages()
    {
        Simulator.Cluster.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler("cart-hpa", "cart", 2, 6));

        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "5"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("managed by HorizontalPodAutoscaler \"cart-hpa\" (min 2, max 6)");
        outcome.Summary.ShouldContain("with a patch-hpa step targeting HorizontalPodAutoscaler \"cart-hpa\"");
        Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task Scale_in_dry_run_changes_nothing_but_records_the_inverse()
    {
        var outcome = await RunAsync("scale", Deployment("cart"), dryRun: true, parameters: ("replicas", "5"));
        outcome.Status.ShouldBe(ActionStatus.DryRun);
        outcome.PlannedRequests.Single().ShouldContain("\"spec\":{\"replicas\":5}");
        Replicas("cart").ShouldBe(3);
        Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_malformed_parameter_fails_the_step_with_the_rule_catalogs_message()
    {
        // The rule loader rejects this first; a step built another way still fails cleanly.
        var outcome = await RunAsync("scale", Deployment("cart"), parameters: ("replicas", "five"));
        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("scale: step 'scale' has a malformed 'replicas': 'five'");
        Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task Wait_for_rollout_watches_until_every_replica_is_updated_and_available()
    {
        Simulator.Cluster.SetRolloutBehavior(Namespace, "cart", RolloutBehavior.Stepwise);
        await RunAsync("restart", Deployment("cart"));
        Simulator.ClearRequests();

        var outcome = await RunAsync("wait-for-rollout", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        outcome.Summary.ShouldContain("successfully rolled out (3 replicas)");
        var watch = Simulator.Requests.Single(r => r.Query.Contains("watch=true", StringComparison.Ordinal));
        watch.Path.ShouldBe("/apis/apps/v1/namespaces/shop/deployments");
        watch.Query.ShouldContain("fieldSelector=metadata.name%3Dcart");
        watch.Query.ShouldContain("resourceVersion=");
        DeploymentGets().ShouldBe(1);
    }

    [Fact]
    public async Task Wait_for_rollout_reads_again_and_rewatches_when_the_server_closes_the_watch()
    {
        Simulator.Cluster.SetRolloutBehavior(Namespace, "cart", RolloutBehavior.Stepwise);
        await RunAsync("restart", Deployment("cart"));
        Simulator.ClearRequests();
        Simulator.MaxWatchEvents = 1;

        var outcome = await RunAsync("wait-for-rollout", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        outcome.Summary.ShouldContain("successfully rolled out (3 replicas)");
        var watches = Simulator.Requests.Where(r => r.Query.Contains("watch=true", StringComparison.Ordinal)).ToList();
        watches.Count.ShouldBeGreaterThan(1);
        watches.Select(w => w.Query).Distinct().Count().ShouldBe(watches.Count, "each re-watch starts from the version just read");
        Logs.Entries.ShouldContain(e => e.Message.Contains("closed the rollout watch of deployment/shop/cart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wait_for_rollout_polls_when_the_watch_fails()
    {
        Simulator.Cluster.SetRolloutBehavior(Namespace, "cart", RolloutBehavior.Stepwise);
        await RunAsync("restart", Deployment("cart"));
        Simulator.ClearRequests();
        Simulator.InjectFault(new Fault { QueryContains = "watch=true", StatusCode = 410 });

        var outcome = await RunAsync("wait-for-rollout", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        outcome.Summary.ShouldContain("successfully rolled out (3 replicas)");
        DeploymentGets().ShouldBeGreaterThan(3);
        Logs.Entries.ShouldContain(e => e.Message.Contains("Cannot watch the rollout of deployment/shop/cart", StringComparison.Ordinal) && e.Message.Contains("polling instead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wait_for_rollout_only_polls_when_told_not_to_watch()
    {
        using var polling = CreateExecutor(new KubernetesActionOptions { WatchRollouts = false, PollInterval = TimeSpan.FromMilliseconds(10) });
        Simulator.Cluster.SetRolloutBehavior(Namespace, "cart", RolloutBehavior.Stepwise);
        await RunAsync("restart", Deployment("cart"));
        Simulator.ClearRequests();

        var outcome = await polling.ExecuteAsync(new PlannedStep { Name = "wait", Action = "wait-for-rollout" }, Deployment("cart"), dryRun: false, CancellationToken.None);

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        DeploymentGets().ShouldBeGreaterThan(3);
        Simulator.Requests.ShouldNotContain(r => r.Query.Contains("watch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wait_for_rollout_fails_on_progress_deadline_exceeded()
    {
        await RunAsync("restart", Deployment("cart"));
        Simulator.Cluster.ExceedProgressDeadline(Namespace, "cart");

        var outcome = await RunAsync("wait-for-rollout", Deployment("cart"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("ProgressDeadlineExceeded");
    }

    [Fact]
    public async Task Wait_for_rollout_fails_when_the_step_times_out()
    {
        Simulator.Cluster.SetRolloutBehavior(Namespace, "cart", RolloutBehavior.Stalled);
        await RunAsync("restart", Deployment("cart"));

        var outcome = await RunAsync("wait-for-rollout", Deployment("cart"), timeout: TimeSpan.FromSeconds(1));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("timed out after 00:00:01: deployment/shop/cart: 3 old replicas are pending termination");
    }

    [Fact]
    public async Task Wait_for_rollout_fails_when_the_workload_is_deleted_while_watching()
    {
        Simulator.Cluster.SetRolloutBehavior(Namespace, "cart", RolloutBehavior.Stalled);
        await RunAsync("restart", Deployment("cart"));

        var waiting = RunAsync("wait-for-rollout", Deployment("cart"));
        while (!Simulator.Requests.Any(r => r.Query.Contains("watch=true", StringComparison.Ordinal)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        Simulator.Cluster.Delete(ResourceType.Deployments, Namespace, "cart");
        var outcome = await waiting;

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("deployment/shop/cart: was deleted while waiting for its rollout");
    }

    [Fact]
    public async Task Reset_circuit_breakers_posts_to_every_ready_pod_through_the_proxy()
    {
        var outcome = await RunAsync("reset-circuit-breakers", Deployment("cart"), parameters: ("port", "8001"));

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Pods.Requests.Count.ShouldBe(3);
        Pods.Requests.ShouldAllBe(r => r.Method == "POST" && r.Path == "/circuit-breakers/reset" && r.Port == 8001);
        Pods.Requests.Select(r => r.Pod).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public async Task A_pods_redirect_is_reported_as_its_answer_and_not_followed()
    {
        Pods.Handler = r => r.Path == "/circuit-breakers/reset"
            ? new PodResponse(302, "moved", "text/plain", Location: new Uri(Simulator.BaseAddress, $"/api/v1/namespaces/{Namespace}/secrets").ToString())
            : new PodResponse(200, "{}");

        var outcome = await RunAsync("reset-circuit-breakers", Deployment("cart"), parameters: ("port", "8001"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Details.ShouldAllBe(d => !d.Succeeded && d.Message == "answered 302: moved");
        Pods.Requests.Count.ShouldBe(3);
        Simulator.Requests.ShouldNotContain(r => r.Path.Contains("/secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reset_circuit_breakers_skips_unready_pods()
    {
        var pods = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items;
        Simulator.Cluster.SetPodReady(Namespace, pods[0]["metadata"]!["name"]!.GetValue<string>(), false);

        await RunAsync("reset-circuit-breakers", Deployment("cart"), parameters: ("port", "8001"));

        Pods.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Reset_circuit_breakers_fails_with_per_pod_details_when_some_pods_fail()
    {
        var broken = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items[1]["metadata"]!["name"]!.GetValue<string>();
        Pods.Handler = r => r.Pod == broken ? new PodResponse(500, "boom") : new PodResponse(200, "{}");

        var outcome = await RunAsync("reset-circuit-breakers", Deployment("cart"), parameters: [("port", "8001"), ("path", "/actuator/reset")]);

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("failed in 1 of 3 pods");
        outcome.Details.Single(d => !d.Succeeded).ShouldBe(new ActionTargetResult($"pod/shop/{broken}", false, "answered 500: boom"));
        outcome.Details.Count(d => d.Succeeded).ShouldBe(2);
    }

    [Fact]
    public async Task Reset_circuit_breakers_tells_the_API_servers_refusal_from_the_pods_own_answer()
    {
        var pods = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items.Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToList();

        // A link-local pod address: the API server refuses to proxy (400 "address not allowed"), the pod never sees it.
        Simulator.Cluster.Update(ResourceType.Pods, Namespace, pods[0], p =>
        {
            p["status"]!["podIP"] = "169.254.10.1";
            return p;
        }, "status");
        Pods.Handler = r => r.Pod == pods[1]
            ? new PodResponse(400, """{"kind":"Status","apiVersion":"v1","code":422,"message":"the application's own error"}""")
            : new PodResponse(200, "{}");

        var outcome = await RunAsync("reset-circuit-breakers", Deployment("cart"), parameters: ("port", "8001"));

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Details.Single(d => d.Target.EndsWith(pods[0], StringComparison.Ordinal)).Message
            .ShouldBe("400 refused by the API server, not answered by the pod (BadRequest): address not allowed");
        outcome.Details.Single(d => d.Target.EndsWith(pods[1], StringComparison.Ordinal)).Message.ShouldStartWith("answered 400: ");
        Pods.Requests.ShouldNotContain(r => r.Pod == pods[0]);
    }

    [Fact]
    public async Task Reset_circuit_breakers_in_dry_run_reaches_no_pod()
    {
        var outcome = await RunAsync("reset-circuit-breakers", Deployment("cart"), dryRun: true, parameters: ("port", "8001"));
        outcome.Status.ShouldBe(ActionStatus.DryRun);
        outcome.PlannedRequests.Count.ShouldBe(3);
        Pods.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Restart_and_wait_for_rollout_work_for_statefulsets_and_daemonsets()
    {
        Simulator.Cluster.Create(ResourceType.Nodes, null, Manifests.Node("node-1"));
        Simulator.Cluster.Create(ResourceType.StatefulSets, Namespace, Manifests.StatefulSet("db", replicas: 2));
        Simulator.Cluster.Create(ResourceType.DaemonSets, Namespace, Manifests.DaemonSet("agent"));
        var db = new RemediationTarget { Kind = TargetKind.StatefulSet, Namespace = Namespace, Name = "db" };
        var agent = new RemediationTarget { Kind = TargetKind.DaemonSet, Namespace = Namespace, Name = "agent" };
        var dbPods = Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=db").Items.Select(p => p["metadata"]!["uid"]!.GetValue<string>()).ToList();

        (await RunAsync("restart", db)).Status.ShouldBe(ActionStatus.Succeeded);
        (await RunAsync("restart", agent)).Status.ShouldBe(ActionStatus.Succeeded);
        (await RunAsync("wait-for-rollout", db)).Summary.ShouldContain("rolling update complete: 2 pods");
        (await RunAsync("wait-for-rollout", agent)).Summary.ShouldContain("successfully rolled out (1 pods)");
        Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=db").Items.Select(p => p["metadata"]!["uid"]!.GetValue<string>()).Intersect(dbPods).ShouldBeEmpty();
    }

    [Fact]
    public async Task Scale_works_on_statefulsets_through_their_scale_subresource()
    {
        Simulator.Cluster.Create(ResourceType.StatefulSets, Namespace, Manifests.StatefulSet("db", replicas: 2));
        var outcome = await RunAsync("scale", new RemediationTarget { Kind = TargetKind.StatefulSet, Namespace = Namespace, Name = "db" }, parameters: ("by", "+1"));
        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Simulator.Cluster.List(ResourceType.Pods, Namespace, "app=db").Items.Count.ShouldBe(3);
    }

    [Fact]
    public async Task An_unknown_action_fails_and_lists_the_known_ones()
    {
        var outcome = await RunAsync("reboot", Deployment("cart"));
        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("unknown action 'reboot'");
    }

    private int Replicas(string name) => Simulator.Cluster.Get(ResourceType.Deployments, Namespace, name)["spec"]!["replicas"]!.GetValue<int>();

    private int DeploymentGets() => Simulator.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/deployments/cart", StringComparison.Ordinal));
}
