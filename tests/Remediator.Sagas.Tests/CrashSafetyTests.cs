using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Contracts;
using Remediator.Sagas.Steps;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>An engine that dies mid-step: nothing destructive runs twice, and nothing is left in Executing.</summary>
public sealed class CrashSafetyTests : IAsyncLifetime
{
    private readonly SagaFixture _fixture = new();
    private readonly StallingStepJournal _stalling = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync()
    {
        // A stalled step would keep the bus from stopping if the test failed before releasing it.
        _stalling.Release();
        return _fixture.DisposeAsync();
    }

    [Fact]
    public async Task A_destructive_step_begun_before_a_crash_is_not_repeated_and_verification_decides()
    {
        _fixture.CreateDeployment("auth-service");
        var journal = new InMemoryStepJournal();
        _fixture.Services = services => services.Replace(ServiceDescriptor.Singleton<IStepJournal>(journal));
        await _fixture.StartAsync();
        var request = Request("auth-service", [Step("restart"), Step("wait-for-rollout", destructive: false)], verification: new VerificationPlan { AlertResolvedWithin = TimeSpan.FromMinutes(5) });

        // What the engine that died wrote before it could finish the restart.
        (await journal.BeginAsync(new StepJournalKey(request.RequestId, 1, ExecuteStepActivity.ExecutePhase, 0), CancellationToken.None)).State.ShouldBe(StepJournalState.Begun);
        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Verifying);
        await _fixture.Harness.Bus.Publish(Resolved(request));
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        _fixture.Mutations().ShouldBeEmpty();
        saga.Run.Steps.ShouldContain(step => step.Name == "restart" && step.Status == ExecuteStepActivity.UnknownStatus);
        saga.Run.Steps.ShouldContain(step => step.Name == "wait-for-rollout" && step.Status == "Succeeded");
        saga.Run.Uncertain.ShouldBeTrue();
        saga.Run.Timeline.ShouldContain(entry => entry.Reason.Contains("outcome is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_uncertain_attempt_that_fails_verification_escalates_instead_of_climbing()
    {
        _fixture.CreateDeployment("auth-service");
        var journal = new InMemoryStepJournal();
        _fixture.Services = services => services.Replace(ServiceDescriptor.Singleton<IStepJournal>(journal));
        await _fixture.StartAsync();
        var request = Request(
            "auth-service",
            [Step("restart")],
            verification: new VerificationPlan { AlertResolvedWithin = TimeSpan.FromMilliseconds(300) },
            ladder: [new LadderRung { Name = "scale-up", Steps = [Step("scale", parameters: ("replicas", "4"))] }],
            safety: new SafetyPolicy { MaxAttempts = 2 });

        await journal.BeginAsync(new StepJournalKey(request.RequestId, 1, ExecuteStepActivity.ExecutePhase, 0), CancellationToken.None);
        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Escalated);

        saga.Run.Attempt.ShouldBe(1);
        saga.Run.Outcome!.ShouldContain("the ladder is not climbed");
        _fixture.Mutations().ShouldBeEmpty();
    }

    [Fact]
    public async Task Steps_that_never_report_back_are_given_up_on_and_their_attempt_closed()
    {
        _fixture.CreateDeployment("auth-service");
        var journal = _stalling;
        _fixture.Services = services => services.Replace(ServiceDescriptor.Singleton<IStepJournal>(journal));
        _fixture.ExecutionGrace = TimeSpan.FromMilliseconds(200);
        await _fixture.StartAsync();
        var restart = Step("restart") with { Timeout = TimeSpan.FromMilliseconds(100) };
        var request = Request("auth-service", [restart], verification: new VerificationPlan { AlertResolvedWithin = TimeSpan.FromMinutes(5) });

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Verifying);
        await _fixture.Harness.Bus.Publish(Resolved(request));
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        journal.Sealed.ShouldBe([(request.RequestId, 1)]);
        saga.Run.Timeline.ShouldContain(entry => entry.Reason.Contains("did not finish within", StringComparison.Ordinal));

        // The stalled step finally gets going: its attempt is closed, so it does not act.
        journal.Release();
        (await _fixture.Harness.Published.Any<Messages.RemediationStepFinished>(m => m.Context.Message.Result.Status == ExecuteStepActivity.SkippedStatus)).ShouldBeTrue();
        _fixture.Mutations().ShouldBeEmpty();
    }

    /// <summary>Plays an engine whose step does not come back until <see cref="Release"/>: then it finds what the journal says.</summary>
    private sealed class StallingStepJournal : IStepJournal
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(Guid RemediationId, int Attempt)> Sealed { get; } = [];

        public void Release() => _released.TrySetResult();

        public async Task<StepJournalEntry> BeginAsync(StepJournalKey key, CancellationToken cancellationToken)
        {
            await _released.Task.WaitAsync(cancellationToken);
            lock (Sealed)
            {
                return new StepJournalEntry(Sealed.Contains((key.RemediationId, key.Attempt)) ? StepJournalState.Sealed : StepJournalState.Begun);
            }
        }

        public Task CompleteAsync(StepJournalKey key, string record, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SealAsync(Guid remediationId, int attempt, CancellationToken cancellationToken)
        {
            lock (Sealed)
            {
                Sealed.Add((remediationId, attempt));
            }

            return Task.CompletedTask;
        }

        public Task<StepJournalProgress> GetProgressAsync(Guid remediationId, int attempt, CancellationToken cancellationToken) =>
            Task.FromResult(new StepJournalProgress(0, 0));

        public Task<IReadOnlyList<StepJournalStep>> ListAsync(Guid remediationId, int attempt, string phase, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepJournalStep>>([]);
    }
}
