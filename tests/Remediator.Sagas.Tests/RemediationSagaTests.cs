using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Kubernetes.Simulator;
using Remediator.Sagas.Effectiveness;
using Remediator.Sagas.Joins;
using Remediator.Sagas.Steps;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>The runbook scenarios, on the in-memory harness against the Kubernetes simulator.</summary>
public sealed class RemediationSagaTests : IAsyncLifetime
{
    private static readonly TimeSpan _short = TimeSpan.FromMilliseconds(300);
    private readonly SagaFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task A_restart_is_verified_by_the_resolved_alert()
    {
        _fixture.CreateDeployment("auth-service");
        var history = new InMemoryRemediationHistory();
        _fixture.Services = services => services.AddSingleton<IRemediationHistory>(history);
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], verification: new VerificationPlan { RolloutComplete = true, AlertResolvedWithin = TimeSpan.FromMinutes(5) });

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Verifying);
        await _fixture.Harness.Bus.Publish(Resolved(request));
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.RemediationId.ShouldBe(request.RequestId);
        saga.Run.Timeline.Select(e => e.State).Distinct().ShouldBe(["Pending", "Executing", "Verifying", "Succeeded"]);
        _fixture.Mutations().ShouldContain(r => r.Method == "PATCH" && r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal));
        (await _fixture.Harness.Published.Any<RemediationSucceeded>(x => x.Context.Message.RemediationId == request.RequestId)).ShouldBeTrue();

        // Nothing escalated before it: the escalation module is not told.
        _fixture.Harness.Published.Select<RemediationRecovered>().ShouldBeEmpty();

        // The ending is in the history the effectiveness figures are computed from.
        var record = (await history.ListAsync(request.RuleName, DateTimeOffset.MinValue, CancellationToken.None)).ShouldHaveSingleItem();
        record.ShouldBe(new RemediationRecord(request.RequestId, request.RuleName, request.Target.ToString(), "Succeeded", null, 1, 1, request.RequestedAt, saga.Run.FinishedAt!.Value, DryRun: false, Approved: false));
    }

    [Fact]
    public async Task An_attempts_last_step_reports_in_the_slips_completion_and_the_earlier_ones_on_their_own()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("scale", parameters: ("replicas", "3")) with { Name = "scale-out" }, Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.Steps.Select(step => (step.Name, step.Status)).ShouldBe([("scale-out", "Succeeded"), ("restart", "Succeeded")]);
        _fixture.Harness.Published.Select<Messages.RemediationStepFinished>()
            .Where(x => x.Context.Message.RemediationId == request.RequestId)
            .Select(x => x.Context.Message.Result.Name)
            .ShouldBe(["scale-out"]);
    }

    [Fact]
    public async Task A_restart_that_fails_verification_climbs_to_scale_up_then_escalates()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        var history = new InMemoryRemediationHistory();
        _fixture.Services = services => services.AddSingleton<IRemediationHistory>(history);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("restart")],
            verification: new VerificationPlan { AlertResolvedWithin = _short },
            ladder: [new LadderRung { Name = "scale-up", Steps = [Step("scale", parameters: ("replicas", "4"))] }],
            safety: new SafetyPolicy { MaxAttempts = 2 });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.Attempt.ShouldBe(2);
        saga.Run.Timeline.ShouldContain(e => e.Reason.Contains("climbing to ladder rung 'scale-up'", StringComparison.Ordinal));
        saga.Run.Timeline.Select(e => e.State).ShouldContain("Failed");
        _fixture.Mutations().ShouldContain(r => r.Path.EndsWith("/deployments/auth-service/scale", StringComparison.Ordinal) || (r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal) && r.Body!.Contains("\"replicas\":4", StringComparison.Ordinal)));
        var escalated = _fixture.Harness.Published.Select<RemediationEscalated>().Single().Context.Message;
        escalated.RemediationId.ShouldBe(request.RequestId);
        escalated.Attempts.ShouldBe(2);
        escalated.Fingerprints.ShouldBe(["fp-1"]);
        escalated.Timeline.ShouldNotBeEmpty();
        var record = (await history.ListAsync(request.RuleName, DateTimeOffset.MinValue, CancellationToken.None)).ShouldHaveSingleItem();
        (record.State, record.Attempts, record.RefusalCode).ShouldBe(("Escalated", 2, null));

        // The alert resolving later is news for whoever the escalation paged.
        await _fixture.Harness.Bus.Publish(Resolved(request));
        // Polled: the harness may already count itself idle after the long escalation.
        using var deadline = new CancellationTokenSource(_fixture.Harness.TestTimeout);
        while (!_fixture.Harness.Published.Select<RemediationAlertResolved>().Any(x => x.Context.Message.RemediationId == request.RequestId))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task A_run_cancelled_while_executing_finishes_the_step_under_way_starts_no_further_one_and_undoes_what_the_rule_says()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        _fixture.CreateDeployment("cache");
        var journal = new InMemoryStepJournal();
        _fixture.Services = services => services.AddSingleton<IStepJournal>(journal);
        await _fixture.StartAsync();
        // The cache's restart is on the wire for 2 s: the cancel arrives while it is under way.
        _fixture.Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cache", Delay = TimeSpan.FromSeconds(2) });
        var request = Request(
            "auth-service",
            [
                Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo },
                Step("set-env", parameters: ("env.POOL", "20")) with { Compensate = StepCompensation.Keep },
                Step("restart") with { Name = "restart-cache", Target = Deployment("cache") },
                Step("restart"),
            ]);

        await _fixture.Harness.Bus.Publish(request);
        var executing = await _fixture.WaitUntilAsync(request, s => s.Run.Steps.Count(step => step.Phase == ExecuteStepActivity.ExecutePhase) == 2);
        await WaitUntilBegunAsync(journal, request, index: 2);
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = executing.CorrelationId, RemediationId = executing.Run.RemediationId, By = "on-call" });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);
        var undone = await WaitForStepsAsync(saga, phase: ExecuteStepActivity.CompensatePhase, count: 1);

        saga.Run.Timeline.Select(e => e.State).ShouldContain(RemediationStates.Cancelling);
        saga.Run.Outcome!.ShouldStartWith("cancelled by on-call while executing attempt 1: undone as the rule says: ");
        saga.Run.Outcome.ShouldContain("'scale': undo: ");
        saga.Run.Outcome.ShouldContain("'set-env': kept (compensate: keep)");
        saga.Run.Outcome.ShouldContain("'restart-cache': nothing to undo");
        saga.Run.Outcome.ShouldContain("not started: 'restart'");
        undone.Select(s => (s.Name, s.Status)).ShouldBe([("scale", "Succeeded")]);
        saga.Run.Steps.ShouldContain(s => s.Name == "restart" && s.Status == ExecuteStepActivity.SkippedStatus);
        _fixture.Mutations().ShouldContain(r => r.Path.EndsWith("/deployments/cache", StringComparison.Ordinal));
        _fixture.Mutations().ShouldNotContain(r => r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal) && r.Body != null && r.Body.Contains("restartedAt", StringComparison.Ordinal));

        // The real compensating PATCH reached the cluster: back to the replicas read before; the kept env stays.
        var deployment = _fixture.Simulator.Cluster.Get(Remediator.Kubernetes.Simulator.ResourceType.Deployments, Namespace, "auth-service")!;
        deployment["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
        deployment.ToJsonString().ShouldContain("\"POOL\"");
    }

    [Fact]
    public async Task A_cancelled_run_whose_step_under_way_fails_is_compensated_once()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        _fixture.CreateDeployment("cache");
        var journal = new InMemoryStepJournal();
        _fixture.Services = services => services.AddSingleton<IStepJournal>(journal);
        await _fixture.StartAsync();
        // The cache's restart is on the wire for 2 s, then refused.
        _fixture.Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cache", Delay = TimeSpan.FromSeconds(2), StatusCode = 403 });
        var request = Request(
            "auth-service",
            [
                Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo },
                Step("restart") with { Name = "restart-cache", Target = Deployment("cache") },
                Step("restart"),
            ]);

        await _fixture.Harness.Bus.Publish(request);
        var executing = await _fixture.WaitUntilAsync(request, s => s.Run.Steps.Any(step => step.Name == "scale"));
        await WaitUntilBegunAsync(journal, request, index: 1);
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = executing.CorrelationId, RemediationId = executing.Run.RemediationId, By = "on-call" });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        // Courier compensated the scale when the step under way failed; the cancel's undo found
        // that in the journal and did not scale back a second time.
        saga.Run.Outcome!.ShouldContain("'scale': undo: ");
        saga.Run.Timeline.ShouldContain(e => e.Reason.Contains("the completed steps were compensated as the rule says", StringComparison.Ordinal));
        _fixture.Mutations().Count(r => r.Path.EndsWith("/deployments/auth-service/scale", StringComparison.Ordinal)).ShouldBe(2);
        _fixture.Mutations().ShouldNotContain(r => r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal));
        Replicas("auth-service").ShouldBe(2);
    }

    [Fact]
    public async Task A_run_cancelled_while_compensating_ends_cancelled_without_undoing_anything_twice()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        _fixture.CreateDeployment("cache");
        await _fixture.StartAsync();
        _fixture.Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/cache", Delay = TimeSpan.FromSeconds(1), StatusCode = 403 });
        var request = Request(
            "auth-service",
            [
                Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo },
                Step("restart") with { Name = "restart-cache", Target = Deployment("cache") },
            ],
            ladder: [new LadderRung { Name = "restart-service", Steps = [Step("restart")] }]);

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitUntilAsync(request, s => s.Run.Steps.Any(step => step.Name == "scale"));
        // Courier's scale-back is held on the wire, so the cancel finds the run compensating.
        _fixture.Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/auth-service/scale", Delay = TimeSpan.FromSeconds(2) });
        var compensating = await _fixture.WaitForAsync(request, m => m.Compensating);
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = compensating.CorrelationId, RemediationId = compensating.Run.RemediationId, By = "on-call" });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.Outcome!.ShouldStartWith("cancelled by on-call while compensating attempt 1: undone as the rule says: ");
        saga.Run.Attempt.ShouldBe(1);
        _fixture.Mutations().Count(r => r.Path.EndsWith("/deployments/auth-service/scale", StringComparison.Ordinal)).ShouldBe(2);
        _fixture.Mutations().ShouldNotContain(r => r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal));
        Replicas("auth-service").ShouldBe(2);
    }

    [Fact]
    public async Task A_run_cancelled_while_verifying_undoes_its_attempt_and_ends_cancelled()
    {
        var (request, verifying) = await ScaledOutAndVerifyingAsync();
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = verifying.CorrelationId, RemediationId = verifying.Run.RemediationId, By = "on-call", Comment = "taking over" });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.Outcome!.ShouldStartWith("cancelled by on-call: taking over while verifying attempt 1: undone as the rule says: 'scale': undo: ");
        Replicas("auth-service").ShouldBe(2);
    }

    [Fact]
    public async Task A_cancel_whose_undo_fails_ends_cancelled_and_pages_on_call_with_what_is_still_in_place()
    {
        var (request, verifying) = await ScaledOutAndVerifyingAsync();
        // The scale-back is refused, as RBAC would.
        _fixture.Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/auth-service/scale", StatusCode = 403, Times = 10 });
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = verifying.CorrelationId, RemediationId = verifying.Run.RemediationId, By = "on-call" });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.FinalOutcome.ShouldBe(RemediationOutcome.Cancelled);
        saga.Run.Outcome!.ShouldStartWith("cancelled by on-call while verifying attempt 1: the undo failed (");
        saga.Run.Outcome.ShouldContain("still in place, paging on-call: 'scale': its undo failed: ");
        var page = (await _fixture.Harness.Published.SelectAsync<RemediationEscalated>(x => x.Context.Message.RemediationId == request.RequestId).FirstOrDefault()).ShouldNotBeNull();
        page.Context.Message.Reason.ShouldBe(saga.Run.Outcome);
        Replicas("auth-service").ShouldBe(4);
    }

    [Fact]
    public async Task A_cancel_that_undoes_everything_pages_no_one()
    {
        var (request, verifying) = await ScaledOutAndVerifyingAsync();
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = verifying.CorrelationId, RemediationId = verifying.Run.RemediationId });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.Outcome!.ShouldNotContain("still in place");
        saga.Run.Cancellation!.LeftInPlace.ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationCancelled>(x => x.Context.Message.RemediationId == request.RequestId)).ShouldBeTrue();
        _fixture.Harness.Published.Select<RemediationEscalated>(x => x.Context.Message.RemediationId == request.RequestId).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failed_compensation_escalates_at_once_naming_the_step_it_could_not_undo()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [
                Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo },
                Step("restart") with { Name = "restart-missing", Target = Deployment("no-such-service") },
            ],
            ladder: [new LadderRung { Name = "restart-service", Steps = [Step("restart")] }]);
        // The restart of a missing Deployment is held on the wire, then fails; by then the scale
        // has acted, and its undo is refused, as RBAC would.
        _fixture.Simulator.InjectFault(new Fault { PathContains = "/deployments/no-such-service", Delay = TimeSpan.FromSeconds(2) });

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitUntilAsync(request, s => s.Run.Steps.Any(step => step.Name == "scale"));
        _fixture.Simulator.InjectFault(new Fault { Method = "PATCH", PathContains = "/deployments/auth-service/scale", StatusCode = 403, Times = 10 });
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.FinalOutcome.ShouldBe(RemediationOutcome.Failed);
        saga.Run.Attempt.ShouldBe(1);
        saga.Run.Outcome!.ShouldContain("undoing the completed steps failed (compensating step 'scale': ");
        saga.Run.Timeline.Select(e => e.State).ShouldContain(RemediationStates.Failed);
        Replicas("auth-service").ShouldBe(4);
        (await _fixture.Harness.Published.Any<RemediationFailed>(x => x.Context.Message.RemediationId == request.RequestId)).ShouldBeTrue();
        (await _fixture.Harness.Published.Any<RemediationEscalated>(x => x.Context.Message.RemediationId == request.RequestId)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_cancelled_dry_run_sends_nothing()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        // Holds the dry run's read of the replicas, so the cancel finds it executing.
        _fixture.Simulator.InjectFault(new Fault { Method = "GET", PathContains = "/deployments/auth-service/scale", Delay = TimeSpan.FromSeconds(2) });
        var request = Request(
            "auth-service",
            [Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo }, Step("restart")],
            safety: new SafetyPolicy { DryRun = true });

        await _fixture.Harness.Bus.Publish(request);
        var executing = await _fixture.WaitForAsync(request, m => m.Executing);
        await _fixture.Harness.Bus.Publish(new CancelRemediation { CorrelationId = executing.CorrelationId, RemediationId = executing.Run.RemediationId });
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.Outcome!.ShouldContain(Activities.StartUndoActivity.DryRunPlan);
        _fixture.Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_resolved_alert_before_any_action_cancels()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.AwaitingApproval);
        await _fixture.Harness.Bus.Publish(Resolved(request));
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.Outcome!.ShouldContain("resolved before any action");
        _fixture.Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_request_whose_alert_already_resolved_is_cancelled_without_acting()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")]);

        // The resolution overtook the firing alert's request.
        await _fixture.Harness.Bus.Publish(Resolved(request));
        await _fixture.WaitForAsync(request, m => m.Idle);
        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Cancelled);

        saga.Run.Outcome!.ShouldContain("resolved before the remediation started");
        _fixture.Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_resolution_of_another_alert_leaves_the_run_alone()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.AwaitingApproval);
        await _fixture.Harness.Bus.Publish(Resolved(request, fingerprint: "another"));
        await _fixture.Harness.Bus.Publish(new ApproveRemediation { CorrelationId = RemediationCorrelation.For(request.RuleName, request.Target), RemediationId = request.RequestId });
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.Fingerprints.ShouldBe(["fp-1"]);
    }

    [Fact]
    public async Task Requests_for_an_active_target_join_it()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var first = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });
        var second = Request("auth-service", [Step("restart")], fingerprint: "fp-2", safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(first);
        await _fixture.WaitForAsync(first, m => m.AwaitingApproval);
        await _fixture.Harness.Bus.Publish(second);
        await _fixture.Harness.Bus.Publish(second);
        (await System.Linq.AsyncEnumerable.CountAsync(System.Linq.AsyncEnumerable.Take(_fixture.Saga.Consumed.SelectAsync<RemediationRequested>(), 3))).ShouldBe(3);

        var saga = _fixture.Saga.Sagas.Contains(RemediationCorrelation.For(first.RuleName, first.Target))!;
        saga.Run.RemediationId.ShouldBe(first.RequestId);
        saga.Run.Fingerprints.ShouldBe(["fp-1", "fp-2"]);
        saga.Run.RequestIds.ShouldBe([first.RequestId, second.RequestId]);
        saga.Run.Timeline.Count(e => e.Reason.StartsWith("joined", StringComparison.Ordinal)).ShouldBe(1);
        _fixture.Saga.Sagas.Select(_ => true).Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_alert_that_joined_at_the_webhook_counts_when_it_resolves()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var first = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });
        var joined = Request("auth-service", [Step("restart")], fingerprint: "fp-2", safety: new SafetyPolicy { RequireApproval = true });
        var joins = _fixture.Harness.Scope.ServiceProvider.GetRequiredService<IRunJoins>();

        (await joins.TryJoinAsync(first, CancellationToken.None)).ShouldBeFalse();
        await _fixture.Harness.Bus.Publish(first);
        await _fixture.WaitForAsync(first, m => m.AwaitingApproval);
        (await _fixture.Saga.Consumed.Any<RemediationRequested>()).ShouldBeTrue();
        (await joins.TryJoinAsync(joined, CancellationToken.None)).ShouldBeTrue();
        _fixture.Saga.Sagas.Contains(RemediationCorrelation.For(first.RuleName, first.Target))!.Run.Fingerprints.ShouldBe(["fp-1"]);

        await _fixture.Harness.Bus.Publish(Resolved(joined));
        var saga = await _fixture.WaitForAsync(first, m => m.Cancelled);

        saga.Run.Outcome!.ShouldContain("alert fp-2 resolved before any action");
        saga.Run.Fingerprints.ShouldBe(["fp-1", "fp-2"]);
        saga.Run.RequestIds.ShouldBe([first.RequestId, joined.RequestId]);
        saga.Run.Timeline.ShouldContain(e => e.Reason == "joined by alert fp-2 (ServiceDown)" && e.State == "AwaitingApproval");

        // The run has ended: the next alert is sent as a request and starts a new run.
        (await joins.TryJoinAsync(Request("auth-service", [Step("restart")], fingerprint: "fp-3"), CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task Alerts_that_joined_at_the_webhook_are_folded_into_the_run_when_it_ends()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var first = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });
        var joins = _fixture.Harness.Scope.ServiceProvider.GetRequiredService<IRunJoins>();
        await _fixture.Harness.Bus.Publish(first);
        await _fixture.WaitForAsync(first, m => m.AwaitingApproval);
        (await _fixture.Saga.Consumed.Any<RemediationRequested>()).ShouldBeTrue();
        var joined = Enumerable.Range(2, 3).Select(n => Request("auth-service", [Step("restart")], fingerprint: $"fp-{n}")).ToList();
        foreach (var request in joined)
        {
            (await joins.TryJoinAsync(request, CancellationToken.None)).ShouldBeTrue();
        }

        await _fixture.Harness.Bus.Publish(new ApproveRemediation { CorrelationId = RemediationCorrelation.For(first.RuleName, first.Target), RemediationId = first.RequestId });
        var saga = await _fixture.WaitForAsync(first, m => m.Succeeded);
        (await _fixture.Saga.Consumed.Any<MassTransit.Courier.Contracts.RoutingSlipCompleted>()).ShouldBeTrue();

        saga.Run.Fingerprints.ShouldBe(["fp-1", "fp-2", "fp-3", "fp-4"]);
        saga.Run.JoinsOpen.ShouldBeFalse();

        // One entry for the three, where they joined: before the approval, in the state the run was in.
        var entry = saga.Run.Timeline.Where(e => e.Reason.StartsWith("joined", StringComparison.Ordinal)).ShouldHaveSingleItem();
        entry.Reason.ShouldBe("joined by 3 alerts, the latest fp-4 (ServiceDown)");
        entry.State.ShouldBe("AwaitingApproval");
        saga.Run.Timeline.Select(e => e.At).ShouldBeInOrder();
        _fixture.Saga.Consumed.Select<RemediationRequested>().Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_approved_remediation_executes()
    {
        _fixture.CreateDeployment("auth-service");
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(request);
        var waiting = await _fixture.WaitForAsync(request, m => m.AwaitingApproval);
        _fixture.Mutations().ShouldBeEmpty();
        await _fixture.Harness.Bus.Publish(new ApproveRemediation { CorrelationId = waiting.CorrelationId, RemediationId = request.RequestId, By = "oncall" });
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.Timeline.ShouldContain(e => e.Reason == "approved by oncall");
        _fixture.Mutations().ShouldContain(r => r.Method == "PATCH");
    }

    [Fact]
    public async Task An_approval_that_never_comes_escalates()
    {
        _fixture.CreateDeployment("auth-service");
        _fixture.ApprovalTimeout = _short;
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.Outcome!.ShouldContain("no approval within");
        _fixture.Mutations().ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationEscalated>()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_success_after_an_escalation_tells_the_escalation_module()
    {
        _fixture.CreateDeployment("auth-service");
        _fixture.ApprovalTimeout = _short;
        await _fixture.StartAsync();
        var unapproved = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });
        await _fixture.Harness.Bus.Publish(unapproved);
        await _fixture.WaitForAsync(unapproved, m => m.Escalated);

        var recovering = Request("auth-service", [Step("restart")], fingerprint: "fp-2");
        await _fixture.Harness.Bus.Publish(recovering);
        await _fixture.WaitForAsync(recovering, m => m.Succeeded);
        var recovered = _fixture.Harness.Published.Select<RemediationRecovered>().ShouldHaveSingleItem().Context.Message;
        (recovered.RemediationId, recovered.CorrelationId).ShouldBe((recovering.RequestId, RemediationCorrelation.For(unapproved.RuleName, unapproved.Target)));
    }

    [Theory]
    [InlineData(StepCompensation.Undo, "Succeeded", 2)]
    [InlineData(StepCompensation.Keep, ExecuteStepActivity.KeptStatus, 3)]
    public async Task A_failing_step_compensates_the_earlier_reversible_ones_in_reverse_order_undoing_or_keeping_each_as_it_says(StepCompensation scale, string scaleStatus, int replicas)
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [
                Step("scale", parameters: ("replicas", "3")) with { Compensate = scale },
                Step("set-env", parameters: ("env.POOL", "20")),
                Step("restart") with { Name = "restart-missing", Target = Deployment("no-such-service") },
            ]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);
        var compensated = await WaitForStepsAsync(saga, phase: "compensate", count: 2);

        compensated.Select(s => (s.Name, s.Status)).ShouldBe([("set-env", "Succeeded"), ("scale", scaleStatus)]);
        saga.Run.Timeline.Select(e => e.State).ShouldContain("Failed");
        saga.Run.Outcome!.ShouldContain("restart-missing");
        var deployment = _fixture.Simulator.Cluster.Get(Remediator.Kubernetes.Simulator.ResourceType.Deployments, Namespace, "auth-service")!;
        deployment["spec"]!["replicas"]!.GetValue<int>().ShouldBe(replicas);

        // Each undo leaves its Event beside the forward steps' (a kept change is not undone and
        // leaves none); two on one object are one Event counted twice.
        var compensations = _fixture.EventsAbout("auth-service").Where(e => e["reason"]!.GetValue<string>() == "RemediatorCompensated").ShouldHaveSingleItem();
        compensations["count"]!.GetValue<int>().ShouldBe(scale == StepCompensation.Undo ? 2 : 1);
        compensations["message"]!.GetValue<string>().ShouldEndWith($"(rule restart-on-down, alert ServiceDown, run {request.RequestId})");
    }

    [Fact]
    public async Task A_failed_step_climbs_the_ladder_like_a_failed_verification()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("restart") with { Name = "restart-missing", Target = Deployment("no-such-service") }],
            ladder: [new LadderRung { Name = "restart-service", Steps = [Step("restart")] }]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.Attempt.ShouldBe(2);
        saga.Run.Timeline.ShouldContain(e => e.Reason.StartsWith("attempt 1 failed: ", StringComparison.Ordinal) && e.Reason.EndsWith("climbing to ladder rung 'restart-service'", StringComparison.Ordinal));
        _fixture.Mutations().ShouldContain(r => r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_step_escalates_at_once_when_the_rule_says_so()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("restart") with { Name = "restart-missing", Target = Deployment("no-such-service") }],
            ladder: [new LadderRung { Name = "restart-service", Steps = [Step("restart")] }]);
        request = request with { Plan = request.Plan with { OnStepFailure = StepFailure.Escalate } };

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.Attempt.ShouldBe(1);
        saga.Run.Outcome!.ShouldContain("restart-missing");
        _fixture.Mutations().ShouldNotContain(r => r.Path.EndsWith("/deployments/auth-service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dry_run_sends_no_mutating_request()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("scale", parameters: ("replicas", "3")), Step("restart")],
            verification: new VerificationPlan { AlertResolvedWithin = TimeSpan.FromMinutes(5) },
            safety: new SafetyPolicy { DryRun = true });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);
        var steps = await WaitForStepsAsync(saga, phase: "execute", count: 2);

        steps.ShouldAllBe(s => s.Status == "DryRun");
        saga.Run.Outcome!.ShouldStartWith("dry-run");
        _fixture.Mutations().ShouldBeEmpty();
    }

    /// <summary>Step reports travel as their own messages: wait until the saga consumed them.</summary>
    /// <summary>Waits (up to the harness timeout) until the attempt's step at <paramref name="index"/> has begun: a cancel then finds it under way.</summary>
    private async Task WaitUntilBegunAsync(InMemoryStepJournal journal, RemediationRequested request, int index)
    {
        using var deadline = new CancellationTokenSource(_fixture.Harness.TestTimeout);
        while (!(await journal.ListAsync(request.RequestId, 1, ExecuteStepActivity.ExecutePhase, CancellationToken.None)).Any(step => step.Index == index))
        {
            deadline.IsCancellationRequested.ShouldBeFalse($"step {index} of the attempt never began");
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<RemediationStepResult>> WaitForStepsAsync(RemediationState saga, string phase, int count)
    {
        var consumed = 0;
        await foreach (var message in _fixture.Saga.Consumed.SelectAsync<Messages.RemediationStepFinished>())
        {
            if (message.Context.Message.Result.Phase == phase && ++consumed == count)
            {
                break;
            }
        }

        return [.. saga.Run.Steps.Where(s => s.Phase == phase)];
    }

    /// <summary>A run that scaled auth-service from 2 to 4 (undone on cancel) and now waits for its alert to resolve.</summary>
    private async Task<(RemediationRequested Request, RemediationState Verifying)> ScaledOutAndVerifyingAsync()
    {
        _fixture.CreateDeployment("auth-service", replicas: 2);
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("scale", parameters: ("replicas", "4")) with { Compensate = StepCompensation.Undo }],
            verification: new VerificationPlan { AlertResolvedWithin = TimeSpan.FromMinutes(5) });
        await _fixture.Harness.Bus.Publish(request);
        return (request, await _fixture.WaitForAsync(request, m => m.Verifying));
    }

    private int Replicas(string deployment) =>
        _fixture.Simulator.Cluster.Get(Remediator.Kubernetes.Simulator.ResourceType.Deployments, Namespace, deployment)!["spec"]!["replicas"]!.GetValue<int>();
}
