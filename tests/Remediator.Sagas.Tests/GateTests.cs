using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Contracts;
using Remediator.Guards;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>What the saga does with the guards' answer (the guards played by a recording double).</summary>
public sealed class GateTests : IAsyncLifetime
{
    private readonly SagaFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private Task<RecordingGuards> StartWithGuardsAsync(GuardDecision decision) => StartWithGuardsAsync(_ => decision);

    private async Task<RecordingGuards> StartWithGuardsAsync(Func<GuardRequest, GuardDecision> decide)
    {
        var gate = new RecordingGuards(decide);
        _fixture.CreateDeployment("auth-service");
        _fixture.Services = services =>
        {
            services.RemoveAll<IRemediationGuards>();
            services.AddSingleton<IRemediationGuards>(gate);
        };
        await _fixture.StartAsync();
        return gate;
    }

    [Fact]
    public async Task A_refusal_ends_the_run_without_acting()
    {
        var gate = await StartWithGuardsAsync(GuardDecision.Refuse(GuardReasons.Paused, "remediation is paused"));
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Refused);

        saga.Run.Outcome.ShouldBe("refused by the guards: remediation is paused (paused)");
        _fixture.Mutations().ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationEscalated>()).ShouldBeFalse();
        gate.Calls.ShouldBe(["firing deployment/shop/auth-service", "evaluate restart approved=False"]);
        _fixture.Harness.Published.Select<RemediationNotificationRequested>().ShouldBeEmpty();

        // The refusal is published for the target's Kubernetes Event, which its consumer writes
        // outside the saga's transaction.
        (await _fixture.Harness.Published.Any<RemediationRefused>()).ShouldBeTrue();
        var refused = _fixture.Harness.Published.Select<RemediationRefused>().ShouldHaveSingleItem().Context.Message;
        refused.ShouldBe(refused with
        {
            RemediationId = request.RequestId,
            RuleName = request.RuleName,
            Target = request.Target,
            Alert = "ServiceDown",
            Guard = GuardReasons.Paused,
            Reason = "remediation is paused (paused)",
            Attempt = 1,
            DryRun = false,
        });
        (await _fixture.Harness.Consumed.Any<RemediationRefused>()).ShouldBeTrue();
        _fixture.EventsAbout("auth-service").ShouldHaveSingleItem()["reason"]!.GetValue<string>().ShouldBe("RemediatorRefused");
    }

    [Fact]
    public async Task Repeats_refused_for_the_same_reason_join_the_refused_run_instead_of_adding_runs()
    {
        var gate = await StartWithGuardsAsync(GuardDecision.Refuse(GuardReasons.MaxAttempts, "3 attempts within 1h"));
        var first = Request("auth-service", [Step("restart")], fingerprint: "fp-1");
        var repeats = Enumerable.Range(2, 3).Select(n => Request("auth-service", [Step("restart")], fingerprint: $"fp-{n}")).ToList();

        await _fixture.Harness.Bus.Publish(first);
        await _fixture.WaitForAsync(first, m => m.Refused);
        foreach (var repeat in repeats)
        {
            await _fixture.Harness.Bus.Publish(repeat);
            await _fixture.WaitUntilAsync(first, saga => saga.Run.RequestIds.Contains(repeat.RequestId));
        }

        var saga = await _fixture.WaitForAsync(first, m => m.Refused);
        saga.PreviousRuns.ShouldBeEmpty();
        saga.Run.RemediationId.ShouldBe(first.RequestId);
        saga.Run.Fingerprints.ShouldBe(["fp-1", "fp-2", "fp-3", "fp-4"]);
        saga.Run.Timeline.Count(entry => entry.Reason.Contains("still refused (max-attempts)", StringComparison.Ordinal)).ShouldBe(1, "consecutive joins share one entry");
        saga.Run.Timeline[^1].Reason.ShouldStartWith("joined by 3 alerts, the latest");

        // Each repeat still asks the guards (the refusal may be over), and on-call hears of it once.
        gate.Calls.Count(call => call.StartsWith("evaluate", StringComparison.Ordinal)).ShouldBe(4);
        _fixture.Harness.Published.Select<RemediationNotificationRequested>().Count().ShouldBe(1);
        _fixture.Harness.Published.Select<RemediationRefused>().Count().ShouldBe(1);
        _fixture.Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_repeat_refused_for_another_reason_or_allowed_starts_its_own_run()
    {
        var answers = new Queue<GuardDecision>([
            GuardDecision.Refuse(GuardReasons.Cooldown, "cooling down"),
            GuardDecision.Refuse(GuardReasons.MaxAttempts, "3 attempts within 1h"),
            GuardDecision.Allowed,
        ]);
        await StartWithGuardsAsync(_ => answers.Dequeue());
        var requests = Enumerable.Range(1, 3).Select(n => Request("auth-service", [Step("restart")], fingerprint: $"fp-{n}")).ToList();

        await _fixture.Harness.Bus.Publish(requests[0]);
        await _fixture.WaitForAsync(requests[0], m => m.Refused);
        await _fixture.Harness.Bus.Publish(requests[1]);
        await _fixture.WaitUntilAsync(requests[0], saga => saga.Run.RemediationId == requests[1].RequestId);
        await _fixture.Harness.Bus.Publish(requests[2]);
        var saga = await _fixture.WaitUntilAsync(requests[0], saga => saga.Run.RemediationId == requests[2].RequestId && saga.CurrentState == "Succeeded");

        saga.PreviousRuns.Select(run => run.RemediationId).ShouldBe([requests[0].RequestId, requests[1].RequestId]);
    }

    [Fact]
    public async Task A_refusal_on_call_should_know_of_is_sent_to_the_notify_channels()
    {
        await StartWithGuardsAsync(GuardDecision.Refuse(GuardReasons.MaxAttempts, "max attempts: 3 in 1h"));
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Refused);

        (await _fixture.Harness.Published.Any<RemediationNotificationRequested>(x => x.Context.Message.StepName == "refused" && x.Context.Message.Parameters["message"].Contains("max attempts", StringComparison.Ordinal))).ShouldBeTrue();
    }

    [Fact]
    public async Task An_approval_needed_is_sent_to_the_notify_channels()
    {
        await StartWithGuardsAsync(new GuardDecision { Verdict = GuardVerdict.RequireApproval, Reason = GuardReasons.ApprovalRequired, Message = "the rule requires approval" });
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.AwaitingApproval);

        (await _fixture.Harness.Published.Any<RemediationNotificationRequested>(x => x.Context.Message.StepName == "approval-needed" && x.Context.Message.Parameters["message"].Contains($"/api/v1/remediations/{request.RequestId}/approve", StringComparison.Ordinal))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_refusal_people_must_hear_about_escalates()
    {
        await StartWithGuardsAsync(new GuardDecision { Verdict = GuardVerdict.StormBraked, Reason = GuardReasons.Storm, Message = "alert storm: 12 targets firing", StormEngaged = true, StormTargets = ["deployment/shop/auth-service"] });
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Escalated);

        _fixture.Mutations().ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationEscalated>(x => x.Context.Message.Reason.Contains("alert storm", StringComparison.Ordinal))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_dry_run_decision_changes_nothing_even_when_the_rule_would()
    {
        await StartWithGuardsAsync(new GuardDecision { Verdict = GuardVerdict.DryRunOnly, Reason = GuardReasons.DryRun, Message = "global dry-run" });
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.DryRun.ShouldBeTrue();
        _fixture.Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_guards_are_asked_before_each_rung_and_told_when_attempts_start_and_the_run_ends()
    {
        var gate = await StartWithGuardsAsync(request => request.Steps[0].Action == "restart"
            ? GuardDecision.Allowed
            : GuardDecision.Refuse(GuardReasons.MaxAttempts, "max attempts: 3 in 1h"));
        var request = Request(
            "auth-service",
            [Step("restart")],
            verification: new VerificationPlan { AlertResolvedWithin = TimeSpan.FromMilliseconds(300) },
            ladder: [new LadderRung { Name = "scale-up", Steps = [Step("scale", parameters: ("replicas", "4"))] }]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.Outcome!.ShouldContain("the guards stopped attempt 2: Refuse: max attempts: 3 in 1h");
        (await _fixture.Harness.Published.Any<RemediationRefused>(x => x.Context.Message.Attempt == 2 && x.Context.Message.Guard == GuardReasons.MaxAttempts)).ShouldBeTrue();
        await gate.Finished;
        gate.Calls.ShouldBe([
            "firing deployment/shop/auth-service",
            "evaluate restart approved=False",
            $"started {request.RequestId}",
            "evaluate scale approved=False",
            $"finished {request.RequestId} Failed",
        ]);
    }

    [Fact]
    public async Task An_approval_is_passed_to_the_guards()
    {
        var gate = await StartWithGuardsAsync(request => request.Approved
            ? GuardDecision.Allowed
            : new GuardDecision { Verdict = GuardVerdict.RequireApproval, Reason = GuardReasons.ApprovalRequired, Message = "engine requires approval for P1" });
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        var waiting = await _fixture.WaitForAsync(request, m => m.AwaitingApproval);
        await _fixture.Harness.Bus.Publish(new ApproveRemediation { CorrelationId = waiting.CorrelationId, RemediationId = request.RequestId });
        await _fixture.WaitForAsync(request, m => m.Succeeded);
        await gate.Finished;

        gate.Calls.ShouldBe([
            "firing deployment/shop/auth-service",
            "evaluate restart approved=False",
            "evaluate restart approved=True",
            $"started {request.RequestId}",
            $"finished {request.RequestId} Succeeded",
        ]);
    }

    private sealed class RecordingGuards(Func<GuardRequest, GuardDecision> decide) : IRemediationGuards
    {
        private readonly List<string> _calls = [];
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the run's end was recorded: the saga may show its final state a moment before.</summary>
        public Task Finished => _finished.Task.WaitAsync(TimeSpan.FromMinutes(1));

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        public Task<GuardDecision> EvaluateAsync(GuardRequest request, CancellationToken cancellationToken)
        {
            Add($"evaluate {string.Join(",", request.Steps.Select(step => step.Name))} approved={request.Approved}");
            return Task.FromResult(decide(request));
        }

        public Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken) => Add($"firing {target}");

        public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken) => Add($"started {remediationId}");

        public async Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationOutcome outcome, CancellationToken cancellationToken)
        {
            await Add($"finished {remediationId} {outcome}");
            _finished.TrySetResult();
        }

        private Task Add(string call)
        {
            lock (_calls)
            {
                _calls.Add(call);
            }

            return Task.CompletedTask;
        }
    }
}
