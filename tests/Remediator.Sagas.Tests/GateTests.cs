using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Contracts;
using static Remediator.Sagas.Tests.SagaFixture;

namespace Remediator.Sagas.Tests;

/// <summary>What the saga does with the guards' answer.</summary>
public sealed class GateTests : IAsyncLifetime
{
    private readonly SagaFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private async Task StartWithGateAsync(GateDecision decision)
    {
        _fixture.CreateDeployment("auth-service");
        _fixture.Services = services =>
        {
            services.RemoveAll<IRemediationGate>();
            services.AddSingleton<IRemediationGate>(new FixedGate(decision));
        };
        await _fixture.StartAsync();
    }

    [Fact]
    public async Task A_refusal_ends_the_run_without_acting()
    {
        await StartWithGateAsync(new GateDecision { Allowed = false, Reason = "cooldown: last run ended 2m ago" });
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Refused);

        saga.Run.Outcome.ShouldBe("refused by the guards: cooldown: last run ended 2m ago");
        _fixture.Mutations().ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationEscalated>()).ShouldBeFalse();
    }

    [Fact]
    public async Task A_refusal_people_must_hear_about_escalates()
    {
        await StartWithGateAsync(new GateDecision { Allowed = false, Escalate = true, Reason = "alert storm: 12 targets firing" });
        var request = Request("auth-service", [Step("restart")]);

        await _fixture.Harness.Bus.Publish(request);
        await _fixture.WaitForAsync(request, m => m.Escalated);

        _fixture.Mutations().ShouldBeEmpty();
        (await _fixture.Harness.Published.Any<RemediationEscalated>(x => x.Context.Message.Reason.Contains("alert storm", StringComparison.Ordinal))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_dry_run_decision_changes_nothing_even_when_the_rule_would()
    {
        await StartWithGateAsync(new GateDecision { Allowed = true, DryRun = true, Reason = "global dry-run" });
        var request = Request("auth-service", [Step("restart")], safety: new SafetyPolicy { RequireApproval = true });

        await _fixture.Harness.Bus.Publish(request);
        var saga = await _fixture.WaitForAsync(request, m => m.Succeeded);

        saga.Run.DryRun.ShouldBeTrue();
        _fixture.Mutations().ShouldBeEmpty();
    }

    private sealed class FixedGate(GateDecision decision) : IRemediationGate
    {
        public Task<GateDecision> EvaluateAsync(RemediationRequested request, CancellationToken cancellationToken) => Task.FromResult(decision);
    }
}
