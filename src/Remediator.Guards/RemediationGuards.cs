using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Guards.Checks;
using Remediator.Guards.State;
using Remediator.Guards.Workloads;

namespace Remediator.Guards;

/// <summary>The guards, over <see cref="IGuardStateStore"/>, run in <see cref="Order"/>.</summary>
public sealed partial class RemediationGuards(
    IGuardStateStore store,
    IWorkloadStatusReader workloads,
    IOptionsMonitor<GuardOptions> options,
    GuardMetrics metrics,
    TimeProvider time,
    ILogger<RemediationGuards> logger) : IRemediationGuards
{
    /// <summary>
    /// The guards, in the order they run: the first that decides wins. docs/guards.md's table
    /// lists the same guards in the same order (checked by a test). Dry-run comes before
    /// everything that counts or takes something (a dry run takes no slot and counts no attempt);
    /// the concurrency cap comes last because it takes the slot atomically, so nothing after it
    /// may refuse.
    /// </summary>
    public static readonly IReadOnlyList<IGuard> Order =
    [
        new PauseGuard(),
        new NamespaceGuard(),
        new DryRunGuard(),
        new StormGuard(),
        new CooldownGuard(),
        new MaxAttemptsGuard(),
        new MinimumHealthyGuard(),
        new ApprovalGuard(),
        new ConcurrencyGuard(),
    ];

    /// <summary>How often a firing (rather than an evaluation) checks whether a storm is over.</summary>
    public static readonly TimeSpan StormCheckInterval = TimeSpan.FromSeconds(1);

    private long _nextStormCheckTicks;

    public async Task<GuardDecision> EvaluateAsync(GuardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = await DecideAsync(request, options.CurrentValue, cancellationToken);
        switch (decision.Verdict)
        {
            case GuardVerdict.Refuse:
            case GuardVerdict.StormBraked:
                metrics.Refused(decision.Reason!);
                LogRefused(request.RuleName, request.Target, request.RemediationId, decision.Reason!, decision.Message!);
                break;
            case GuardVerdict.DryRunOnly:
            case GuardVerdict.RequireApproval:
                LogHeld(request.RuleName, request.Target, request.RemediationId, decision.Verdict, decision.Message!);
                break;
            case GuardVerdict.Allow:
                break;
        }

        return decision;
    }

    public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return store.RecordAttemptAsync(remediationId, attempt, target.ToString(), time.GetUtcNow(), cancellationToken);
    }

    public async Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var cooling = await store.ReleaseSlotAsync(remediationId, target.ToString(), time.GetUtcNow(), cancellationToken);
        LogFinished(target, remediationId, outcome, cooling);
    }

    public async Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var now = time.GetUtcNow();
        await store.RecordFiringAsync(target.ToString(), now, cancellationToken);

        // Released here too, not only when a remediation asks, so the next storm is reported again.
        // Once per StormCheckInterval is as good (every evaluation asks as well), and a storm's
        // thousands of firings would otherwise each cost a count and an update.
        var due = Interlocked.Read(ref _nextStormCheckTicks);
        if (now.UtcTicks >= due && Interlocked.CompareExchange(ref _nextStormCheckTicks, now.UtcTicks + StormCheckInterval.Ticks, due) == due)
        {
            var storm = options.CurrentValue.Storm;
            var firing = await store.CountFiringTargetsAsync(now - storm.Window, StormOptions.FiringsToCount(storm.Threshold), cancellationToken);
            if (firing <= storm.Threshold)
            {
                await ReleaseStormAsync(firing, storm, cancellationToken);
            }
        }
    }

    private async Task<GuardDecision> DecideAsync(GuardRequest request, GuardOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var snapshot = await store.GetSnapshotAsync(
            request.RemediationId, request.Target.ToString(), now - request.Safety.AttemptWindow, now - settings.Storm.Window, StormOptions.FiringsToCount(settings.Storm.Threshold), cancellationToken);
        var context = new GuardContext(request, settings, snapshot, now, store, workloads, (firing, ct) => ReleaseStormAsync(firing, settings.Storm, ct));
        foreach (var guard in Order)
        {
            if (await guard.CheckAsync(context, cancellationToken) is { } decision)
            {
                return decision;
            }
        }

        return GuardDecision.Allowed;
    }

    private async Task ReleaseStormAsync(int firing, StormOptions storm, CancellationToken cancellationToken)
    {
        if (await store.ReleaseStormAsync(cancellationToken))
        {
            LogStormReleased(firing, storm.Window);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Guard refused rule {Rule} on {Target} (remediation {RemediationId}): {Reason}: {Detail}")]
    private partial void LogRefused(string rule, RemediationTarget target, Guid remediationId, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Guard holds rule {Rule} on {Target} (remediation {RemediationId}) at {Verdict}: {Detail}")]
    private partial void LogHeld(string rule, RemediationTarget target, Guid remediationId, GuardVerdict verdict, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Remediation {RemediationId} of {Target} finished {Outcome}; cooldown started: {Cooling}")]
    private partial void LogFinished(RemediationTarget target, Guid remediationId, RemediationOutcome outcome, bool cooling);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert storm over: {Count} distinct targets fired within {Window}; destructive actions resume")]
    private partial void LogStormReleased(int count, TimeSpan window);
}
