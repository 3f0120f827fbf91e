using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Contracts;
using Remediator.Kubernetes.Simulator;
using Remediator.Sagas.Api;
using Remediator.Sagas.Steps;
using Remediator.Sagas.Verification;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>Verification by checks and PromQL, notify steps, continue-on-error, and runs after runs.</summary>
public sealed class VerificationTests : IAsyncLifetime
{
    private readonly SagaFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Rollout_and_health_check_verify_a_restart()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], verification: new VerificationPlan
        {
            RolloutComplete = true,
            HealthCheck = new HealthCheckSpec { Port = 8080, Path = "/actuator/health", JsonField = "status", ExpectedValue = "UP" },
        });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.Outcome!.ShouldContain("checks passed");
        _fixture.Pods.Requests.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_failing_health_check_climbs_the_ladder_and_escalates()
    {
        _fixture.CreateDeployment("auth-service");
        _fixture.Pods.Handler = _ => new PodResponse(503, """{"status":"DOWN"}""");
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("restart")],
            verification: new VerificationPlan { HealthCheck = new HealthCheckSpec { Port = 8080, Path = "/health" } },
            ladder: [new LadderRung { Name = "scale-up", Steps = [Step("scale", parameters: ("replicas", "3"))] }, new LadderRung { Name = "never", Steps = [Step("restart")] }],
            safety: new SafetyPolicy { MaxAttempts = 2 });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.Attempt.ShouldBe(2);
        saga.Run.Outcome!.ShouldContain("verification check failed");
        saga.Run.Outcome!.ShouldContain("max 2");
        saga.Run.Timeline.ShouldNotContain(e => e.Reason.Contains("'never'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_promql_condition_that_comes_to_hold_verifies()
    {
        var prometheus = new FakePrometheus(0, 0, 2);
        _fixture.CreateDeployment("auth-service");
        _fixture.Services = services =>
        {
            services.Configure<PrometheusOptions>(o =>
            {
                o.Url = new Uri("http://prometheus.invalid:9090");
                o.PollInterval = TimeSpan.FromMilliseconds(10);
            });
            services.RemoveAll<IPrometheusQuery>();
            services.AddSingleton<IPrometheusQuery>(prometheus);
        };
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], verification: new VerificationPlan { PromQl = "up{job=\"auth\"} == 1", Window = TimeSpan.FromMinutes(5) });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        prometheus.Queries.ShouldBe(3);
        saga.Run.Outcome!.ShouldContain("checks passed");
    }

    [Fact]
    public async Task Without_a_prometheus_url_the_promql_condition_is_skipped_with_a_note()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], verification: new VerificationPlan { PromQl = "up == 1" });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);
        await _fixture.Saga.Consumed.Any<Messages.RemediationStepFinished>(x => x.Context.Message.Result.Phase == "verify");

        saga.Run.Steps.ShouldContain(s => s.Phase == "verify" && s.Summary.StartsWith("skipped: Remediator:Prometheus:Url is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notify_steps_request_a_notification_and_continue_on_error_steps_do_not_stop_the_run()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [
                Step("restart", continueOnError: true) with { Name = "restart-missing", Target = Deployment("no-such-service") },
                Step("notify", destructive: false, parameters: ("message", "restarted auth-service")),
            ]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        var notification = _fixture.Harness.Published.Select<RemediationNotificationRequested>().Single().Context.Message;
        notification.RemediationId.ShouldBe(request.RequestId);
        notification.Parameters["message"].ShouldBe("restarted auth-service");
        notification.DryRun.ShouldBeFalse();
        await _fixture.Saga.Consumed.Any<Messages.RemediationStepFinished>(x => x.Context.Message.Result.Name == "notify");
        // Handed to the channels, not yet delivered: not shown as a success.
        saga.Run.Steps.Select(s => (s.Name, s.Status)).ShouldBe([("restart-missing", "Failed"), ("notify", ExecuteStepActivity.RequestedStatus)]);
    }

    [Fact]
    public async Task A_notify_steps_delivery_outcome_per_channel_lands_on_its_run_even_after_the_run_ended()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("notify", destructive: false, parameters: ("message", "restarting auth-service"))]);
        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);
        var notification = _fixture.Harness.Published.Select<RemediationNotificationRequested>().Single().Context.Message;

        // The channels answer after the run ended.
        var at = saga.Run.FinishedAt!.Value;
        await _fixture.Harness.Bus.Publish(Delivered(notification, "ops-slack", NotificationOutcome.Failed, "secret 'slack-url' is not set", at));
        await _fixture.Harness.Bus.Publish(Delivered(notification, "ops-mail", NotificationOutcome.Delivered, "250 OK", at));
        saga = await _fixture.WaitUntilAsync(request, s => s.Run.Steps.Count(step => step.Phase == ExecuteStepActivity.DeliverPhase) == 2);

        var deliveries = saga.Run.Steps.Where(s => s.Phase == ExecuteStepActivity.DeliverPhase).ToList();
        deliveries.Select(s => (s.Name, s.Status, s.Summary)).ShouldBe(
            [("notify", "Failed", "ops-slack: secret 'slack-url' is not set"), ("notify", "Succeeded", "ops-mail: 250 OK")],
            ignoreOrder: true);
        saga.Run.Timeline.ShouldContain(e => e.Reason == "notify step 'notify': not delivered via ops-slack: secret 'slack-url' is not set");
        saga.CurrentState.ShouldBe(_fixture.Machine.Succeeded.Name);
    }

    private static RemediationNotificationDelivered Delivered(RemediationNotificationRequested request, string channel, NotificationOutcome outcome, string detail, DateTimeOffset at) => new()
    {
        CorrelationId = request.CorrelationId,
        RemediationId = request.RemediationId,
        Attempt = request.Attempt,
        StepName = request.StepName,
        Channel = channel,
        Outcome = outcome,
        Detail = detail,
        At = at,
    };

    [Fact]
    public async Task A_request_after_a_run_ended_starts_a_new_run_and_keeps_the_old_one()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var first = Request("auth-service", [Step("restart")]);
        await _fixture.Harness.Bus.Publish(first);
        await _fixture.WaitForAsync(first, m => m.Succeeded);

        var second = Request("auth-service", [Step("restart")], fingerprint: "fp-2", safety: new SafetyPolicy { RequireApproval = true });
        await _fixture.Harness.Bus.Publish(first);
        await _fixture.Harness.Bus.Publish(second);
        var saga = await _fixture.WaitForAsync(second, m => m.AwaitingApproval);

        saga.Run.RemediationId.ShouldBe(second.RequestId);
        saga.PreviousRuns.Single().RemediationId.ShouldBe(first.RequestId);
        var query = new SagaRepositoryRemediationQuery(
            _fixture.Harness.Scope.ServiceProvider.GetRequiredService<MassTransit.IQuerySagaRepository<RemediationState>>(),
            _fixture.Harness.Scope.ServiceProvider.GetRequiredService<MassTransit.ILoadSagaRepository<RemediationState>>());
        (await query.FindAsync(first.RequestId, CancellationToken.None))!.State.ShouldBe("Succeeded");
        (await query.ListAsync(new RemediationFilter(), CancellationToken.None)).Items.Select(v => v.Id).ShouldBe([second.RequestId, first.RequestId], ignoreOrder: true);
    }

    [Fact]
    public async Task A_resolved_alert_never_starts_destructive_steps()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")]) with { Alert = Alert("fp-1", AlertStatus.Resolved) };

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Refused);

        saga.Run.Outcome!.ShouldContain("never starts destructive");
        _fixture.Mutations().ShouldBeEmpty();
    }

    private sealed class FakePrometheus(params int[] answers) : IPrometheusQuery
    {
        private int _queries;

        public int Queries => _queries;

        public Task<int> CountSeriesAsync(string promQl, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _queries) - 1;
            return Task.FromResult(answers[Math.Min(index, answers.Length - 1)]);
        }
    }
}
