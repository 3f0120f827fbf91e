using MassTransit;
using Remediator.Guards;

namespace Remediator.Sagas.Activities;

/// <summary>
/// Asks the guards whether the run's current attempt may act, and keeps their answer in
/// <see cref="RemediationRun.Gate"/> as the saga acts on it. The storm brake is the one verdict
/// the saga splits: the decision that engages it escalates (once, with the storm's targets), the
/// others refuse.
/// </summary>
public sealed class AdmitActivity(IRemediationGuards guards) : RemediationActivity
{
    // Refusals people asked for (a pause, a deny list, dry-run) or already heard of (the storm
    // escalated once with its list): telling on-call again would be noise.
    private static readonly HashSet<string> _quietRefusals =
    [
        GuardReasons.Paused, GuardReasons.NamespacePaused, GuardReasons.NamespaceDenied, GuardReasons.NamespaceNotAllowed, GuardReasons.DryRun, GuardReasons.Storm,
    ];

    protected override string Name => "admit";

    protected override Task ExecuteAsync(BehaviorContext<RemediationState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AdmitAsync(guards, context.Saga.Run, context.CancellationToken);
    }

    /// <summary>Asks the guards about <paramref name="run"/>'s current attempt; the answer goes to <see cref="RemediationRun.Gate"/>.</summary>
    internal static async Task AdmitAsync(IRemediationGuards guards, RemediationRun run, CancellationToken cancellationToken)
    {
        var decision = await guards.EvaluateAsync(
            new GuardRequest
            {
                RemediationId = run.RemediationId,
                RuleName = run.RuleName,
                Target = run.Target!,
                Safety = run.Plan!.Safety,
                Steps = run.CurrentSteps,
                Approved = run.Approved,
            },
            cancellationToken);
        Apply(run, ToGateDecision(decision));
    }

    internal static void Apply(RemediationRun run, GateDecision decision)
    {
        run.Gate = decision;
        run.HoldsGuardSlot |= decision.Verdict == GateVerdict.Allow;
        run.DryRun |= decision.Verdict == GateVerdict.DryRunOnly;
    }

    private static GateDecision ToGateDecision(GuardDecision decision)
    {
        var verdict = decision.Verdict switch
        {
            GuardVerdict.Allow => GateVerdict.Allow,
            GuardVerdict.Refuse => GateVerdict.Refuse,
            GuardVerdict.RequireApproval => GateVerdict.RequireApproval,
            GuardVerdict.DryRunOnly => GateVerdict.DryRunOnly,
            GuardVerdict.StormBraked when decision.StormEngaged => GateVerdict.Escalate,
            GuardVerdict.StormBraked => GateVerdict.Refuse,
            _ => throw new InvalidOperationException($"Unknown guard verdict {decision.Verdict}."),
        };
        return new GateDecision
        {
            Verdict = verdict,
            Reason = Describe(decision),
            Code = decision.Reason,
            Notify = verdict == GateVerdict.Refuse && !_quietRefusals.Contains(decision.Reason ?? ""),
        };
    }

    // The timeline shows the sentence and the code (the code is what refusals are counted by).
    private static string Describe(GuardDecision decision) => decision switch
    {
        { IsAllowed: true } => "the guards allow it",
        { StormEngaged: true } => $"{decision.Message} ({decision.Reason}); firing targets: {string.Join(", ", decision.StormTargets)}",
        { Message: { } message, Reason: { } reason } => $"{message} ({reason})",
        _ => decision.ToString(),
    };
}
