using Remediator.Contracts;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>
/// The fintech runbook's cascading failure: the root (the service the others call) is remediated
/// first; its dependents' own remediations wait for its outcome.
/// </summary>
public sealed class CascadeTests : IAsyncLifetime
{
    private readonly SagaFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private int Replicas(string name) =>
        (int)_fixture.Simulator.Cluster.Get(Remediator.Kubernetes.Simulator.ResourceType.Deployments, Namespace, name)["spec"]!["replicas"]!;

    /// <summary>Polls the in-memory saga instance, which the harness updates in place.</summary>
    private async Task UntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(_fixture.Harness.TestTimeout);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static RemediationRequested Root() =>
        Request("account-service", [Step("restart")], fingerprint: "fp-account", safety: new SafetyPolicy { RequireApproval = true }) with { RuleName = "fintech-cascading-failure" };

    private static RemediationRequested Dependent() =>
        Request("auth-service", [Step("restart")], fingerprint: "fp-auth") with { Upstream = [Deployment("account-service")] };

    private async Task<RemediationRequested> StartWithWaitingDependentAsync(TimeSpan settle)
    {
        _fixture.CreateDeployment("account-service");
        _fixture.CreateDeployment("auth-service");
        _fixture.SagaOptions = o => o.CascadeSettle = settle;
        await _fixture.StartAsync();
        var root = Root();
        await _fixture.Harness.Bus.Publish(root);
        await _fixture.WaitForAsync(root, m => m.AwaitingApproval);

        var dependent = Dependent();
        await _fixture.Harness.Bus.Publish(dependent);
        var waiting = await _fixture.WaitForAsync(dependent, m => m.WaitingForRoot);
        waiting.Run.WaitingFor!.RemediationId.ShouldBe(root.RequestId);
        _fixture.Mutations().ShouldBeEmpty();

        await _fixture.Harness.Bus.Publish(new ApproveRemediation { CorrelationId = RemediationCorrelation.For(root.RuleName, root.Target), RemediationId = root.RequestId, By = "oncall" });
        await _fixture.WaitForAsync(root, m => m.Succeeded);
        return dependent;
    }

    [Fact]
    public async Task A_dependent_waits_for_the_root_then_acts_when_its_alert_still_fires()
    {
        var dependent = await StartWithWaitingDependentAsync(settle: TimeSpan.FromMilliseconds(300));

        var saga = await _fixture.WaitForAsync(dependent, m => m.Succeeded);

        var restarts = _fixture.Mutations().Where(r => r.Method == "PATCH").Select(r => r.Path[(r.Path.LastIndexOf('/') + 1)..]).ToList();
        restarts.ShouldBe(["account-service", "auth-service"]);
        saga.Run.Timeline.Select(e => e.State).Distinct().ShouldBe(["Pending", "WaitingForRoot", "Executing", "Verifying", "Succeeded"]);
        saga.Run.Timeline.ShouldContain(e => e.Reason.Contains("still firing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dependent_whose_alert_resolves_after_the_root_was_fixed_never_acts()
    {
        var dependent = await StartWithWaitingDependentAsync(settle: TimeSpan.FromMinutes(5));

        await _fixture.WaitForAsync(dependent, m => m.WaitingForRoot);
        await _fixture.Harness.Bus.Publish(Resolved(dependent));
        var saga = await _fixture.WaitForAsync(dependent, m => m.Cancelled);

        saga.Run.Outcome!.ShouldContain("fixing the root was enough");
        _fixture.Mutations().ShouldAllBe(r => r.Path.EndsWith("/account-service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dependent_of_a_root_that_ended_without_success_acts_at_once()
    {
        _fixture.CreateDeployment("account-service");
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var root = Root();
        await _fixture.Harness.Bus.Publish(root);
        await _fixture.WaitForAsync(root, m => m.AwaitingApproval);
        var dependent = Dependent();
        await _fixture.Harness.Bus.Publish(dependent);
        await _fixture.WaitForAsync(dependent, m => m.WaitingForRoot);

        await _fixture.Harness.Bus.Publish(new RejectRemediation { CorrelationId = RemediationCorrelation.For(root.RuleName, root.Target), RemediationId = root.RequestId, By = "oncall" });
        var saga = await _fixture.WaitForAsync(dependent, m => m.Succeeded);

        saga.Run.Timeline.ShouldContain(e => e.Reason.Contains("the root's remediation ended Cancelled", StringComparison.Ordinal));
        _fixture.Mutations().ShouldAllBe(r => r.Path.EndsWith("/auth-service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_recovery_restores_what_the_roots_isolation_changed()
    {
        _fixture.CreateDeployment("account-service", replicas: 3);
        await _fixture.StartAsync();
        var root = Request("account-service", [Step("isolate", parameters: ("mode", "scale-to-zero"))]) with { RuleName = "fintech-cascading-failure" };
        await _fixture.Harness.Bus.Publish(root);
        var saga = await _fixture.WaitForAsync(root, m => m.Succeeded);
        Replicas("account-service").ShouldBe(0);
        saga.Run.Isolations.Select(i => i.StepName).ShouldBe(["isolate"]);

        await _fixture.Harness.Bus.Publish(new RestoreRemediation { CorrelationId = saga.CorrelationId, RemediationId = root.RequestId, By = "oncall", Comment = "payments fixed" });

        (await _fixture.Harness.Published.Any<Messages.RemediationStepFinished>(m => m.Context.Message.Result.Phase == "restore")).ShouldBeTrue();
        await UntilAsync(() => saga.Run.Isolations.Count == 0);
        Replicas("account-service").ShouldBe(3);
        _fixture.EventsAbout("account-service").Select(e => e["reason"]!.GetValue<string>()).ShouldBe(["RemediatorIsolated", "RemediatorRestored"], ignoreOrder: true);
        saga.Run.Timeline.ShouldContain(e => e.Reason.Contains("recovery by oncall: payments fixed", StringComparison.Ordinal));
        saga.Run.Timeline.ShouldContain(e => e.Reason.Contains("recovery done", StringComparison.Ordinal));
        saga.CurrentState.ShouldBe("Succeeded");
    }

    [Fact]
    public async Task A_target_with_nothing_active_upstream_does_not_wait()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var dependent = Dependent();

        await _fixture.Harness.Bus.Publish(dependent);
        var saga = await _fixture.WaitForAsync(dependent, m => m.Succeeded);

        saga.Run.Timeline.Select(e => e.State).ShouldNotContain("WaitingForRoot");
    }
}
