using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Events;
using Remediator.Kubernetes.Simulator;
using Remediator.Tests.Shared;

namespace Remediator.Kubernetes.Tests.Events;

/// <summary>
/// The refusal the saga publishes becomes an Event on the target, through the bus as the engine
/// wires it (<see cref="KubernetesServiceCollectionExtensions.AddKubernetesEvents"/>), against the
/// simulator; and one the API server forbids is consumed all the same, never faulted.
/// </summary>
public sealed class RemediationRefusedConsumerTests : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
    }

    [Fact]
    public async Task A_published_refusal_is_recorded_on_its_target()
    {
        await using var provider = Bus();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Refusal());

        (await harness.GetConsumerHarness<RemediationRefusedConsumer>().Consumed.Any<RemediationRefused>()).ShouldBeTrue();
        var recorded = Simulator.Cluster.List(ResourceType.Events, Namespace).Items.ShouldHaveSingleItem();
        recorded["reason"]!.GetValue<string>().ShouldBe(RemediationEvents.RefusedReason);
        recorded["involvedObject"]!["name"]!.GetValue<string>().ShouldBe("cart");
        recorded["message"]!.GetValue<string>().ShouldContain("refused by the guards: storm brake engaged (storm)");
    }

    [Fact]
    public async Task A_refusal_whose_event_is_forbidden_is_consumed_not_faulted()
    {
        Simulator.Deny("create", "events");
        await using var provider = Bus();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Refusal());

        (await harness.GetConsumerHarness<RemediationRefusedConsumer>().Consumed.Any<RemediationRefused>()).ShouldBeTrue();
        (await harness.Published.Any<Fault<RemediationRefused>>()).ShouldBeFalse();
        Simulator.Requests.ShouldContain(r => r.Method == "POST" && r.StatusCode == 403);
    }

    private ServiceProvider Bus() =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(new RemediationEvents(Api, new ResolvedConnection(Connection(), false, "simulator"), new KubernetesActionOptions(), TestClock.Create(), Logs.CreateLogger<RemediationEvents>(), null))
            .AddMassTransitTestHarness(bus => bus.AddKubernetesEvents())
            .BuildServiceProvider(validateScopes: true);

    private static RemediationRefused Refusal() => new()
    {
        CorrelationId = Guid.NewGuid(),
        RemediationId = Guid.NewGuid(),
        RuleName = "cart-high-cpu",
        Target = Deployment("cart"),
        Alert = "HighCPUUsage",
        Guard = "storm",
        Reason = "storm brake engaged (storm)",
        Attempt = 1,
        DryRun = false,
        At = TestClock.Start,
    };
}
