using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Actions;

/// <summary>
/// Each action sends what its kubectl equivalent sends, request for request (docs/actions.md,
/// <see cref="KubectlEquivalents"/>): run as the saga runs it (with its run, so the run's
/// annotation rides in the write), over real HTTP, against the simulator authorizing exactly
/// what the shipped roles grant.
/// </summary>
public sealed partial class KubectlRequestsTests : ClusterFixture
{
    private const string Workload = "checkout";
    private const string NodeName = "node-1";
    private const string AutoscalerName = "checkout-hpa";

    public static TheoryData<string> Rows => [.. KubectlEquivalent.All.Select(row => row.Row)];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var c = Simulator.Cluster;
        c.Create(ResourceType.Nodes, null, Manifests.Node(NodeName));
        c.Create(ResourceType.Nodes, null, Manifests.Node("node-2"));
        c.Create(ResourceType.Deployments, Namespace, Manifests.Deployment(Workload, replicas: 2));
        c.Create(ResourceType.Services, Namespace, Manifests.Service(Workload, Workload));
        c.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
        c.Create(ResourceType.HorizontalPodAutoscalers, Namespace, Manifests.HorizontalPodAutoscaler(AutoscalerName, "cart", 2, 5));
        Simulator.Authorizer = RbacPolicy.Shipped(Namespace).Allows;
        Origin = new ActionOrigin(Guid.NewGuid(), "kubectl", "KubectlCheck");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_action_sends_the_requests_its_docs_row_lists(string row)
    {
        var expected = KubectlEquivalent.All.Single(r => r.Row == row);
        if (expected.Arrange is { } arrange)
        {
            await arrange(this);
        }

        var target = expected.Target switch
        {
            RequestLine.Pod => new RemediationTarget { Kind = TargetKind.Pod, Namespace = Namespace, Name = FirstPod() },
            RequestLine.Node => new RemediationTarget { Kind = TargetKind.Node, Name = NodeName },
            RequestLine.Autoscaler => new RemediationTarget { Kind = TargetKind.HorizontalPodAutoscaler, Namespace = Namespace, Name = AutoscalerName },
            _ => Deployment(Workload),
        };
        Simulator.ClearRequests();

        var outcome = await RunAsync(expected.Action, target, parameters: [.. expected.Parameters]);

        outcome.Status.ShouldBe(ActionStatus.Succeeded, outcome.Summary);
        Simulator.Requests.Where(r => r.StatusCode >= 400).Select(r => $"{r.Method} {r.Path} {r.StatusCode}").ShouldBeEmpty();
        RequestLine.Of(Simulator.Requests.Where(r => !r.RemediationTrace), [(Namespace, RequestLine.Namespace), (Workload, RequestLine.Name), (NodeName, RequestLine.Node), (AutoscalerName, RequestLine.Autoscaler)])
            .ShouldBe(expected.Requests);
    }

    [Fact]
    public void The_docs_table_lists_each_action_with_its_kubectl_command_and_requests()
    {
        var documented = Row()
            .Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "actions.md")))
            .Select(m => (Row: m.Groups["row"].Value, Kubectl: m.Groups["kubectl"].Value, Requests: m.Groups["requests"].Value))
            .ToList();

        documented.ShouldBe(KubectlEquivalent.All.Select(r => (r.Row, r.Kubectl, string.Join("<br>", r.Requests.Select(q => $"`{q}`")))));
    }

    [Fact]
    public void A_label_selector_is_sent_with_its_terms_in_key_order_as_client_go_writes_it()
    {
        var selector = JsonNode.Parse("""
            {"matchLabels":{"tier":"web","app":"cart"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","canary"]},{"key":"debug","operator":"DoesNotExist"}]}
            """);

        Workloads.SelectorQuery(selector).ShouldBe("app=cart,!debug,env in (prod,canary),tier=web");
    }

    internal async Task RestartAsync() =>
        (await RunAsync("restart", Deployment(Workload))).Status.ShouldBe(ActionStatus.Succeeded);

    /// <summary>A restart whose rollout takes a step per read, so waiting for it watches.</summary>
    internal async Task RollingAsync()
    {
        Simulator.Cluster.SetRolloutBehavior(Namespace, Workload, RolloutBehavior.Stepwise);
        await RestartAsync();
    }

    internal async Task CordonAsync() =>
        (await RunAsync("cordon", new RemediationTarget { Kind = TargetKind.Node, Name = NodeName })).Status.ShouldBe(ActionStatus.Succeeded);

    private string FirstPod() =>
        Simulator.Cluster.List(ResourceType.Pods, Namespace, $"app={Workload}").Items[0]["metadata"]!["name"]!.GetValue<string>();

    // A row of the table: "| `restart` | `kubectl rollout restart ...` | `GET ...`<br>`PATCH ...` |".
    [GeneratedRegex(@"^\| `(?<row>[^`]+)` \| `(?<kubectl>[^`]+)` \| (?<requests>`.+`) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
