using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Simulator;
using Remediator.Rules;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// Issue 13, end to end from a rule file and an alert to the API simulator: a label templated into
/// a request path cannot leave the pod's proxy path, dry-run sends no HTTP request at all, and a
/// step result never echoes a Kubernetes object.
/// </summary>
public sealed class RequestTargetTests : ClusterFixture
{
    private const string SecretValue = "aHVudGVyMg==";

    /// <summary>Enough '..' to climb from <c>/api/v1/namespaces/shop/pods/NAME:8080/proxy/status/</c> to the root, then into the Secrets API.</summary>
    private static readonly string _climbToSecrets = string.Concat(Enumerable.Repeat("../", 10)) + "api/v1/secrets";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
        Simulator.Cluster.Create(ResourceType.Secrets, Namespace, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "db-password" },
            ["data"] = new JsonObject { ["password"] = SecretValue },
        });
        Simulator.ClearRequests();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dot_dot_label_cannot_reach_the_secrets_api_through_the_pod_proxy(bool dryRun)
    {
        var outcomes = new List<ActionOutcome>();
        foreach (var component in new[] { _climbToSecrets, "..", "%2e%2e/%2E%2E/x" })
        {
            var evaluation = Rules(dryRun).Evaluate(Alert(component));
            foreach (var match in evaluation.Matches)
            {
                foreach (var step in match.Plan.Steps)
                {
                    outcomes.Add(await Executor.ExecuteAsync(step, match.Targets.Single(), match.Plan.Safety.DryRun, CancellationToken.None));
                }
            }
        }

        Simulator.Requests.ShouldNotContain(r => r.Path.Contains("/secrets", StringComparison.Ordinal));
        Simulator.Requests.Where(r => r.Path.Contains("/proxy", StringComparison.Ordinal))
            .ShouldAllBe(r => r.Path.StartsWith("/api/v1/namespaces/shop/pods/", StringComparison.Ordinal) && r.Path.Contains(":8080/proxy/status/", StringComparison.Ordinal));
        var reported = string.Join("\n", outcomes.SelectMany(o => o.Details.Select(d => d.Message).Append(o.Summary)));
        reported.ShouldNotContain(SecretValue);
        reported.ShouldNotContain("SecretList");
        if (dryRun)
        {
            Pods.Requests.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task A_templated_path_reaches_the_pod_as_one_encoded_segment()
    {
        var match = Rules(dryRun: false).Evaluate(Alert("a/b c")).Matches.ShouldHaveSingleItem();

        var outcome = await Executor.ExecuteAsync(match.Plan.Steps.Single(), match.Targets.Single(), dryRun: false, CancellationToken.None);

        outcome.Status.ShouldBe(ActionStatus.Failed, "the fake pods answer 200, the rule expects 204");
        Simulator.Requests.Where(r => r.Path.Contains("/proxy/", StringComparison.Ordinal)).Count().ShouldBe(2);
        Simulator.Requests.Where(r => r.Path.Contains("/proxy/", StringComparison.Ordinal)).Select(r => r.Path).ShouldAllBe(p => p.EndsWith(":8080/proxy/status/a%2Fb c", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/status/../../../../../../../../../../api/v1/secrets")]
    [InlineData("/status/%2e%2e/%2E%2E/x")]
    [InlineData(@"/status/..\..\x")]
    public async Task A_step_not_built_by_the_loader_cannot_leave_the_proxy_path_either(string path)
    {
        var outcome = await RunAsync("http", Deployment("cart"), parameters: [("port", "8080"), ("path", path)]);

        outcome.Status.ShouldBe(ActionStatus.Failed);
        outcome.Summary.ShouldContain("is refused");
        Simulator.Requests.ShouldNotContain(r => r.Path.Contains("/proxy", StringComparison.Ordinal) || r.Path.Contains("/secrets", StringComparison.Ordinal));
        var pod = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items[0]["metadata"]!["name"]!.GetValue<string>();
        await Should.ThrowAsync<ArgumentException>(() => Api.ProxyAsync(new ProxyRequest(ProxyTargetKind.Pod, Namespace, pod, 8080, HttpMethod.Get, path)));
        Simulator.Requests.ShouldNotContain(r => r.Path.Contains("/proxy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dry_run_sends_no_http_request_not_even_a_get_and_says_what_it_would_have_sent()
    {
        var url = new Uri(Pods.BaseAddress, "/incidents/cart").AbsoluteUri;
        var pods = Simulator.Cluster.List(ResourceType.Pods, Namespace).Items.Select(p => p["metadata"]!["name"]!.GetValue<string>()).Order().ToList();
        Simulator.ClearRequests();

        var viaPod = await RunAsync("http", Deployment("cart"), dryRun: true, parameters: [("port", "8080"), ("path", "/ready")]);
        var viaService = await RunAsync("http", Deployment("cart"), dryRun: true, parameters: [("via", "service"), ("port", "8080"), ("path", "/ready")]);
        var viaUrl = await RunAsync("http", Deployment("cart"), dryRun: true, parameters: [("via", "url"), ("url", url)]);
        var health = await RunAsync("health-check", Deployment("cart"), dryRun: true, parameters: [("port", "8080"), ("path", "/health")]);

        Pods.Requests.ShouldBeEmpty();
        Simulator.Requests.ShouldNotContain(r => r.Path.Contains("/proxy", StringComparison.Ordinal));
        viaPod.Status.ShouldBe(ActionStatus.DryRun);
        viaPod.Summary.ShouldBe("dry-run: would have sent GET :8080/ready to 2 target(s)");
        viaPod.PlannedRequests.Order().ShouldBe(pods.Select(p => $"GET /api/v1/namespaces/shop/pods/{p}:8080/proxy/ready"));
        viaService.PlannedRequests.ShouldBe(["GET /api/v1/namespaces/shop/services/cart:8080/proxy/ready"]);
        viaUrl.Summary.ShouldBe($"dry-run: would have sent GET {url} to 1 target(s)");
        viaUrl.PlannedRequests.ShouldBe([$"GET {url}"]);
        health.Status.ShouldBe(ActionStatus.DryRun);
        health.Summary.ShouldBe("dry-run: would have checked :8080/health on 2 pods");
    }

    [Fact]
    public async Task A_step_result_keeps_the_status_and_a_short_clean_excerpt_never_a_kubernetes_object()
    {
        var list = """{"apiVersion":"v1","kind":"SecretList","items":[{"metadata":{"name":"db-password"},"data":{"password":"aHVudGVyMg=="}}]}""";
        var status = """{"apiVersion":"v1","kind":"Status","status":"Failure","message":"no endpoints\navailable","code":503}""";
        Pods.Handler = r => r.Path switch
        {
            "/list" => new PodResponse(500, list),
            "/status" => new PodResponse(503, status),
            _ => new PodResponse(500, "line one\r\nline\u001b[31m two " + new string('x', 1000)),
        };

        var messages = new Dictionary<string, string>();
        foreach (var path in new[] { "/list", "/status", "/text" })
        {
            var outcome = await RunAsync("http", Deployment("cart"), parameters: [("port", "8080"), ("path", path)]);
            outcome.Status.ShouldBe(ActionStatus.Failed);
            messages[path] = outcome.Details[0].Message;
        }

        messages["/list"].ShouldBe("answered 500: (withheld: a Kubernetes SecretList object)");
        // A Status is the API server's own answer (the proxy never reached the pod), said as such, on one line.
        messages["/status"].ShouldBe("503 refused by the API server, not answered by the pod (no reason): no endpoints available");
        messages["/text"].ShouldStartWith("answered 500: line one line [31m two xxx");
        messages["/text"].ShouldNotContain('\u001b');
        messages["/text"].Length.ShouldBeLessThan(ResponseExcerpt.MaxLength + 40);
    }

    private static AlertReceived Alert(string component) => new()
    {
        Fingerprint = "f",
        Status = AlertStatus.Firing,
        Labels = new Dictionary<string, string> { ["alertname"] = "CartDegraded", ["namespace"] = Namespace, ["service"] = "cart", ["component"] = component },
        StartsAt = DateTimeOffset.UnixEpoch,
        Receiver = "remediator",
        GroupKey = "g",
        IdempotencyKey = "k",
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };

    private static RuleSet Rules(bool dryRun)
    {
        var result = RuleLoader.Parse([new RuleSource("rules/cart.yaml", $$$"""
            rules:
              - name: cart-component-status
                match: [alertname = CartDegraded]
                target: { kind: Deployment, namespace: "{{ $labels.namespace }}", name: "{{ $labels.service }}" }
                dry-run: {{{(dryRun ? "true" : "false")}}}
                steps:
                  - action: http
                    port: 8080
                    path: "/status/{{ $labels.component }}"
                    expect-status: 204
            """)]);
        result.Diagnostics.ShouldBeEmpty();
        return result.RuleSet!;
    }
}
