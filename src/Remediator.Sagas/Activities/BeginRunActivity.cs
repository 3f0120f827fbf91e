using MassTransit;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Sagas.Api;

namespace Remediator.Sagas.Activities;

/// <summary>
/// Starts the request's run: already resolved (cancel without asking the guards), a cascade's
/// dependent (wait for the root, ask the guards later), or admitted now. When the guards refuse it
/// for the same reason they refused the run before it (still refused: a storm brake, a cooldown),
/// the request joins that refused run instead: a storm's repeats would otherwise add a run per
/// alert and push the target's real history out of the last
/// <see cref="RemediationStateMachine.MaxPreviousRuns"/>.
/// </summary>
public sealed class BeginRunActivity(IRemediationGuards guards, IRemediationQuery remediations, TimeProvider time) : RequestActivity
{
    protected override string Name => "begin-run";

    protected override async Task ExecuteAsync(BehaviorContext<RemediationState, RemediationRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var saga = context.Saga;
        var previous = saga.Run.RemediationId != Guid.Empty ? saga.Run : null;
        var refusedBefore = saga.CurrentState == RemediationStates.Refused ? previous?.Gate : null;
        if (previous is not null)
        {
            saga.PreviousRuns = [.. saga.PreviousRuns, previous];
        }

        await BeginNewRunAsync(context);
        if (previous is not null && refusedBefore is { Verdict: GateVerdict.Refuse, Code: { } code } && saga.Run.Gate is { Verdict: GateVerdict.Refuse } refused && refused.Code == code)
        {
            var request = context.Message;
            saga.PreviousRuns = [.. saga.PreviousRuns.SkipLast(1)];
            saga.Run = previous;
            previous.Join(time.GetUtcNow(), request.RequestId, request.Alert.Fingerprint, Describe(request.Alert), $"still refused ({code})");
        }

        saga.PreviousRuns = [.. saga.PreviousRuns.TakeLast(RemediationStateMachine.MaxPreviousRuns)];
    }

    /// <summary>An alert as the timeline names it: its fingerprint and alert name.</summary>
    internal static string Describe(AlertReceived alert) =>
        RemediationRun.DescribeAlert(alert.Fingerprint, alert.Labels.GetValueOrDefault(RemediationAlertView.AlertNameLabel));

    private async Task BeginNewRunAsync(BehaviorContext<RemediationState, RemediationRequested> context)
    {
        var saga = context.Saga;
        var request = context.Message;
        var now = time.GetUtcNow();

        saga.Run = new RemediationRun
        {
            RemediationId = request.RequestId,
            RuleName = request.RuleName,
            Target = request.Target,
            Plan = request.Plan,
            RequestedAt = request.RequestedAt,
            Attempt = 1,
            CurrentSteps = request.Plan.Steps,
            DryRun = request.Plan.Safety.DryRun,
            Fingerprints = [request.Alert.Fingerprint],
            GeneratorUrl = request.Alert.GeneratorUrl,
            AlertLabels = request.Alert.Labels,
            AlertAnnotations = request.Alert.Annotations,
            AlertmanagerUrl = request.Alert.ExternalUrl,
            RequestIds = [request.RequestId],
        };

        if (request.Alert.Status == AlertStatus.Firing && saga.WasResolved(request.Alert))
        {
            // The resolution overtook this request: there is nothing left to fix, and the guards
            // are not asked, so no slot is taken for a run that will not act.
            saga.Run.ResolvedBeforeStart = true;
            saga.Run.AlertResolvedAt = request.Alert.ReceivedAt;
            saga.Run.Record(now, RemediationStates.Pending, $"requested by rule '{request.RuleName}' for alert {Describe(request.Alert)}, which had already resolved");
            return;
        }

        if (request.Alert.Status == AlertStatus.Firing && await FindRootAsync(request.Upstream, context.CancellationToken) is { } root)
        {
            // A cascade: what the target depends on is being remediated. The guards are asked
            // when the wait ends, so a waiting run holds no slot.
            saga.Run.WaitingFor = root;
            saga.Run.CascadeRoot = root;
            saga.Run.Record(now, RemediationStates.Pending, $"requested by rule '{request.RuleName}' for alert {Describe(request.Alert)}");
            return;
        }

        // The rules refuse such a rule at load time; this holds the line for any other publisher.
        if (request.Alert.Status == AlertStatus.Resolved && request.Plan.Steps.Any(step => step.Destructive))
        {
            AdmitActivity.Apply(saga.Run, new GateDecision { Verdict = GateVerdict.Refuse, Reason = "a resolved alert never starts destructive actions" });
        }
        else
        {
            await AdmitActivity.AdmitAsync(guards, saga.Run, context.CancellationToken);
        }

        saga.Run.Record(now, RemediationStates.Pending, $"requested by rule '{request.RuleName}' for alert {Describe(request.Alert)}; guards: {saga.Run.Gate!.Verdict}: {saga.Run.Gate.Reason}");
    }

    /// <summary>The first active remediation of a workload the target depends on, nearest the root first.</summary>
    private async Task<CascadeRoot?> FindRootAsync(IReadOnlyList<RemediationTarget> upstream, CancellationToken cancellationToken)
    {
        foreach (var target in upstream)
        {
            var key = target.ToString();
            var page = await remediations.ListAsync(new RemediationFilter { TargetKey = key, Active = true }, cancellationToken);
            if (page.Items.Count > 0 && page.Items[0] is var active)
            {
                return new CascadeRoot { CorrelationId = active.CorrelationId, RemediationId = active.Id, TargetKey = key, RuleName = active.RuleName };
            }
        }

        return null;
    }
}
