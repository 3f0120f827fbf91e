using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Remediator.Contracts;
using Remediator.Sagas.Api;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>The remediations API over real HTTP, in front of the saga on the in-memory harness.</summary>
public sealed class RemediationsEndpointsTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private readonly SagaFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private HttpClient Http => _fixture.Http!;

    [Fact]
    public async Task Lists_filters_and_pages_runs_and_shows_one_with_its_story()
    {
        _fixture.CreateDeployment("auth-service");
        _fixture.CreateDeployment("cart");
        await _fixture.StartAsync(withApi: true);
        var done = Request("auth-service", [Step("scale", parameters: ("replicas", "3"))], safety: new SafetyPolicy { DryRun = true });
        var waiting = Request("cart", [Step("restart")], fingerprint: "fp-2", safety: new SafetyPolicy { RequireApproval = true }) with { RequestedAt = done.RequestedAt.AddMinutes(1) };
        await _fixture.Harness.Bus.Publish(done);
        await _fixture.Harness.Bus.Publish(waiting);
        await _fixture.WaitForAsync(done, m => m.Succeeded);
        await _fixture.WaitForAsync(waiting, m => m.AwaitingApproval);

        var all = await Http.GetFromJsonAsync<RemediationPage>(RemediationsEndpoints.Route, _json);
        all!.Items.Select(v => v.Id).ShouldBe([waiting.RequestId, done.RequestId]);
        (await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?state=awaitingapproval", _json))!.Items.Single().Id.ShouldBe(waiting.RequestId);
        (await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?target=auth", _json))!.Items.Single().Id.ShouldBe(done.RequestId);
        (await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?rule=other", _json))!.Total.ShouldBe(0);
        (await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?active=true", _json))!.Items.Single().Id.ShouldBe(waiting.RequestId);
        (await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?active=false", _json))!.Items.Single().Id.ShouldBe(done.RequestId);
        (await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?since={Uri.EscapeDataString(waiting.RequestedAt.ToString("O"))}", _json))!.Items.Single().Id.ShouldBe(waiting.RequestId);
        var second = await Http.GetFromJsonAsync<RemediationPage>($"{RemediationsEndpoints.Route}?page=2&pageSize=1", _json);
        second!.Total.ShouldBe(2);
        second.Items.Single().Id.ShouldBe(done.RequestId);

        var view = await Http.GetFromJsonAsync<RemediationView>($"{RemediationsEndpoints.Route}/{done.RequestId}", _json);
        view!.State.ShouldBe("Succeeded");
        view.Active.ShouldBeFalse();
        view.TargetKey.ShouldBe("deployment/shop/auth-service");
        view.Timeline.Select(e => e.State).ShouldContain("Executing");
    }

    [Fact]
    public async Task Bad_paging_and_unknown_runs_are_problems()
    {
        await _fixture.StartAsync(withApi: true);

        await ShouldBeProblemAsync(await Http.GetAsync($"{RemediationsEndpoints.Route}?pageSize=0"), HttpStatusCode.BadRequest);
        await ShouldBeProblemAsync(await Http.GetAsync($"{RemediationsEndpoints.Route}/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ShouldBeProblemAsync(await Http.PostAsync($"{RemediationsEndpoints.Route}/{Guid.NewGuid()}/cancel", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Approve_is_accepted_once_and_the_run_executes()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync(withApi: true);
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });
        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.AwaitingApproval);

        var approved = await Http.PostAsJsonAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/approve", new RemediationDecision("oncall", "go"));
        approved.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);
        saga.Run.Timeline.ShouldContain(e => e.Reason == "approved by oncall: go");

        await ShouldBeProblemAsync(await Http.PostAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/approve", null), HttpStatusCode.Conflict);
        await ShouldBeProblemAsync(await Http.PostAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/restore", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Restore_undoes_a_finished_runs_isolation()
    {
        _fixture.CreateDeployment("account-service", replicas: 2);
        await _fixture.StartAsync(withApi: true);
        var request = Request("account-service", [Step("isolate", parameters: ("mode", "scale-to-zero"))]);
        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Succeeded);
        var view = await Http.GetFromJsonAsync<RemediationView>($"{RemediationsEndpoints.Route}/{request.RequestId}");
        view!.Isolations.ShouldBe(["isolate"]);

        var restored = await Http.PostAsJsonAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/restore", new RemediationDecision("oncall", "fixed"));

        restored.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _fixture.Harness.Consumed.Any<RestoreRemediation>()).ShouldBeTrue();
    }

    [Fact]
    public async Task Reject_and_cancel_end_runs_that_have_not_acted()
    {
        _fixture.CreateDeployment("auth-service");
        _fixture.CreateDeployment("cart");
        await _fixture.StartAsync(withApi: true);
        var rejected = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });
        var cancelled = Request("cart", [Step("restart")], fingerprint: "fp-2", safety: new SafetyPolicy { RequireApproval = true });
        await _fixture.Harness.Bus.Publish(rejected);
        await _fixture.Harness.Bus.Publish(cancelled);
        await _fixture.WaitForAsync(rejected, m => m.AwaitingApproval);
        await _fixture.WaitForAsync(cancelled, m => m.AwaitingApproval);

        (await Http.PostAsync($"{RemediationsEndpoints.Route}/{rejected.RequestId}/reject", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await Http.PostAsJsonAsync($"{RemediationsEndpoints.Route}/{cancelled.RequestId}/cancel", new RemediationDecision("sre", null))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        (await _fixture.WaitForAsync(rejected, m => m.Cancelled)).Run.Outcome.ShouldBe("rejected");
        (await _fixture.WaitForAsync(cancelled, m => m.Cancelled)).Run.Outcome.ShouldBe("cancelled by sre");
        _fixture.Mutations().ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationCancelled>(x => x.Context.Message.RemediationId == rejected.RequestId)).ShouldBeTrue();
    }

    [Fact]
    public async Task Cancel_is_accepted_while_executing_and_a_second_one_while_cancelling_is_a_conflict_saying_why()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        _fixture.CreateDeployment("cache");
        await _fixture.StartAsync(withApi: true);
        _fixture.Simulator.InjectFault(new Remediator.Kubernetes.Simulator.Fault { Method = "PATCH", PathContains = "/deployments/cache", Delay = TimeSpan.FromSeconds(3) });
        var request = Request("auth-service", [Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo }, Step("restart") with { Name = "restart-cache", Target = Deployment("cache") }]);
        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitUntilAsync(request, s => s.Run.Steps.Any(step => step.Name == "scale"));

        (await Http.PostAsJsonAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/cancel", new RemediationDecision("sre", "taking over"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await _fixture.WaitUntilAsync(request, s => s.Run.State == RemediationStates.Cancelling);
        var again = await Http.PostAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/cancel", null);

        await ShouldBeProblemAsync(again, HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("already being cancelled");
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);
        saga.Run.Outcome!.ShouldStartWith("cancelled by sre: taking over while executing attempt 1: undone as the rule says: ");
        await ShouldBeProblemAsync(await Http.PostAsync($"{RemediationsEndpoints.Route}/{request.RequestId}/cancel", null), HttpStatusCode.Conflict);
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
    }
}
