using MassTransit;
using Remediator.Sagas.Steps;
using Remediator.Sagas.Verification;

namespace Remediator.Sagas.Activities;

/// <summary>Starts verifying the attempt: its checks (rollout, health, PromQL) as a second, non-destructive routing slip.</summary>
public sealed class StartVerificationActivity(TimeProvider time) : RemediationActivity
{
    protected override string Name => "start-verification";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Saga.Run;
        var checks = RunVerification.Checks(run.Plan!.Verification);
        run.ChecksPassed = checks.Count == 0;
        run.VerificationTrackingNumber = checks.Count == 0 ? null : await RoutingSlips.ExecuteAsync(context, checks, ExecuteStepActivity.VerifyPhase);
        var conditions = new List<string>(checks.Select(step => step.Name));
        if (run.Plan.Verification?.AlertResolvedWithin is { } within)
        {
            conditions.Add($"alert resolved within {within}");
        }

        run.Record(time.GetUtcNow(), RemediationStates.Verifying, conditions.Count == 0 ? "no verification configured" : $"verifying within {run.VerificationDeadline()}: {string.Join(", ", conditions)}");
    }
}
