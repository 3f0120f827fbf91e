using Remediator.IntegrationTests.Infrastructure;
using Remediator.Kubernetes.Simulator;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// A failed step whose undo fails too, in the real engine process: Courier stops compensating, and
/// the run escalates as soon as it hears so, naming the step it could not undo, instead of waiting
/// for its execution deadline.
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class CompensationScenarioTests(ServersFixture servers, ITestOutputHelper output) : ScenarioTest(servers, output)
{
    private const string Service = "compensation-target";
    private const string Cache = "compensation-cache";

    [Fact]
    public async Task A_failed_step_whose_undo_is_refused_escalates_naming_the_step_it_could_not_undo()
    {
        var engine = await StartScenarioAsync(EngineStore.Sqlite, ScenarioRules.ScaleThenRestart(Cache));
        Cluster.AddService(Service);
        Cluster.AddService(Cache);
        // The cache's restart is held on the wire, then refused; by then the scale has acted.
        Cluster.Api.InjectFault(new Fault { Method = "PATCH", PathContains = SimulatedCluster.DeploymentPath(Cache), Delay = TimeSpan.FromSeconds(5), StatusCode = 403 });
        await PostAsync(engine, TestAlert.ServiceNotResponding(Service));
        await WaitForRunAsync(engine, Service, run => run.Steps.Any(step => step.Name == "scale" && step.Status == "Succeeded"), "the scale to be done");

        // The scale-back is refused too, as RBAC would.
        Cluster.Api.InjectFault(new Fault { Method = "PATCH", PathContains = $"{SimulatedCluster.DeploymentPath(Service)}/scale", StatusCode = 403, Times = 100 });
        var run = await WaitForOutcomeAsync(engine, Service);
        var story = $"{run.Describe()}{Environment.NewLine}{Cluster.Describe()}";

        run.State.ShouldBe("Escalated", story);
        run.Timeline.Select(e => e.State).ShouldContain("Failed", story);
        // The compensation's own failure, not the execution deadline ("did not finish within").
        run.Outcome!.ShouldContain("undoing the completed steps failed (compensating step 'scale': ", Case.Sensitive, story);
        var page = await Bus.RemediationsEscalated.WaitForAsync(e => e.RemediationId == run.Id, "the escalation of the run");
        page.Reason.ShouldBe(run.Outcome, story);
        Cluster.Replicas(Service).ShouldBe(4, story);
        Cluster.Restarts(Service).ShouldBeEmpty(story);
    }
}
