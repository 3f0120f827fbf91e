using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Guards.State;
using Remediator.Guards.Workloads;
using Remediator.Rules.Actions;

namespace Remediator.Guards;

/// <summary>The guards, over <see cref="IGuardStateStore"/>; see <see cref="IRemediationGuards.EvaluateAsync"/> for the order.</summary>
public sealed partial class RemediationGuards(
    IGuardStateStore store,
    IWorkloadStatusReader workloads,
    IOptionsMonitor<GuardOptions> options,
    GuardMetrics metrics,
    TimeProvider time,
    ILogger<RemediationGuards> logger) : IRemediationGuards
{
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
            var firing = await store.CountFiringTargetsAsync(now - storm.Window, cancellationToken);
            if (firing <= storm.Threshold)
            {
                await ReleaseStormAsync(firing, storm, cancellationToken);
            }
        }
    }

    private async Task<GuardDecision> DecideAsync(GuardRequest request, GuardOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var namespaces = Namespaces(request);
        var key = request.Target.ToString();
        var snapshot = await store.GetSnapshotAsync(request.RemediationId, key, now - request.Safety.AttemptWindow, now - settings.Storm.Window, cancellationToken);
        var paused = Paused(snapshot.Pauses, namespaces, now);
        if (paused is not null)
        {
            return paused;
        }

        var outside = NamespaceRefusal(namespaces, request, settings);
        if (outside is not null)
        {
            return outside;
        }

        if (settings.DryRun || request.Safety.DryRun)
        {
            return new GuardDecision
            {
                Verdict = GuardVerdict.DryRunOnly,
                Reason = GuardReasons.DryRun,
                Message = settings.DryRun
                    ? $"the engine runs in dry-run ({GuardOptions.SectionName}:DryRun, or no Kubernetes cluster to act on): the steps run in dry-run"
                    : $"rule '{request.RuleName}' sets dry-run: the steps run in dry-run",
            };
        }

        var destructive = request.Steps.Any(step => step.Destructive);
        if (destructive)
        {
            if (snapshot.FiringTargets > settings.Storm.Threshold)
            {
                // Only the decision that engages the brake reports the storm's targets (it escalates
                // once, with the list); the others need the count alone.
                var engaged = await store.TryEngageStormAsync(now, cancellationToken);
                return new GuardDecision
                {
                    Verdict = GuardVerdict.StormBraked,
                    Reason = GuardReasons.Storm,
                    Message = $"alert storm: {snapshot.FiringTargets} distinct targets fired within {settings.Storm.Window} (threshold {settings.Storm.Threshold}); destructive actions are stopped",
                    StormEngaged = engaged,
                    StormTargets = engaged ? await store.GetFiringTargetsAsync(now - settings.Storm.Window, cancellationToken) : [],
                };
            }

            if (snapshot.StormMayBeEngaged)
            {
                await ReleaseStormAsync(snapshot.FiringTargets, settings.Storm, cancellationToken);
            }
        }

        var continuing = snapshot.Active;
        var history = snapshot.History;
        if (!continuing && history.LastFinishedAt is { } finished && finished + request.Safety.Cooldown > now)
        {
            var until = finished + request.Safety.Cooldown;
            return GuardDecision.Refuse(
                GuardReasons.Cooldown,
                $"{key} was remediated at {finished:O}; its cooldown of {request.Safety.Cooldown} lasts until {until:O}",
                until);
        }

        if (history.AttemptsSince.Count >= request.Safety.MaxAttempts)
        {
            // The oldest attempt in the window leaves it first, freeing one attempt.
            var retryAt = history.AttemptsSince[^request.Safety.MaxAttempts] + request.Safety.AttemptWindow;
            return GuardDecision.Refuse(
                GuardReasons.MaxAttempts,
                $"{key} had {history.AttemptsSince.Count} attempts within {request.Safety.AttemptWindow} (max-attempts {request.Safety.MaxAttempts}): stopping a remediation loop",
                retryAt);
        }

        var unhealthy = await MinimumHealthyRefusalAsync(request, settings, cancellationToken);
        if (unhealthy is not null)
        {
            return unhealthy;
        }

        if (request.Safety.RequireApproval && !request.Approved)
        {
            return new GuardDecision
            {
                Verdict = GuardVerdict.RequireApproval,
                Reason = GuardReasons.ApprovalRequired,
                Message = $"rule '{request.RuleName}' requires approval before acting on {key}",
            };
        }

        // Last, because it takes the slot atomically: nothing after it may refuse.
        if (!continuing && !await store.TryAcquireSlotAsync(request.RemediationId, key, settings.MaxConcurrentRemediations, cancellationToken))
        {
            return GuardDecision.Refuse(
                GuardReasons.ConcurrencyLimit,
                $"{settings.MaxConcurrentRemediations} remediations are already running ({GuardOptions.SectionName}:MaxConcurrentRemediations)");
        }

        return GuardDecision.Allowed;
    }

    /// <summary>The namespaces the remediation touches: its target's and any step's own target's (cluster-scoped targets have none).</summary>
    private static List<string> Namespaces(GuardRequest request) =>
        [.. request.Steps.Select(step => step.Target?.Namespace).Prepend(request.Target.Namespace).OfType<string>().Distinct(StringComparer.Ordinal)];

    private static GuardDecision? Paused(PauseSnapshot pauses, List<string> namespaces, DateTimeOffset now)
    {
        if (pauses.Global is { } global && global.IsInForce(now))
        {
            return GuardDecision.Refuse(GuardReasons.Paused, $"remediation is paused{Describe(global)}", global.Until);
        }

        foreach (var ns in namespaces)
        {
            if (pauses.Namespaces.TryGetValue(ns, out var pause) && pause.IsInForce(now))
            {
                return GuardDecision.Refuse(GuardReasons.NamespacePaused, $"namespace {ns} is paused{Describe(pause)}", pause.Until);
            }
        }

        return null;
    }

    private static string Describe(PauseEntry pause) =>
        (pause.Until is { } until ? $" until {until:O}" : string.Empty) + (pause.Reason is { } reason ? $": {reason}" : string.Empty);

    private static GuardDecision? NamespaceRefusal(List<string> namespaces, GuardRequest request, GuardOptions settings)
    {
        foreach (var ns in namespaces)
        {
            if (settings.DeniedNamespaces.Contains(ns, StringComparer.Ordinal) || (settings.DenySystemNamespaces && GuardOptions.SystemNamespaces.Contains(ns, StringComparer.Ordinal)))
            {
                return GuardDecision.Refuse(GuardReasons.NamespaceDenied, $"namespace {ns} is denied ({GuardOptions.SectionName}:DeniedNamespaces or DenySystemNamespaces)");
            }

            if (settings.AllowedNamespaces.Count > 0 && !settings.AllowedNamespaces.Contains(ns, StringComparer.Ordinal))
            {
                return GuardDecision.Refuse(GuardReasons.NamespaceNotAllowed, $"namespace {ns} is not in {GuardOptions.SectionName}:AllowedNamespaces");
            }

            if (request.Safety.AllowedNamespaces.Count > 0 && !request.Safety.AllowedNamespaces.Contains(ns, StringComparer.Ordinal))
            {
                return GuardDecision.Refuse(GuardReasons.NamespaceNotAllowed, $"namespace {ns} is not in rule '{request.RuleName}' allowed-namespaces");
            }
        }

        return null;
    }

    private async Task ReleaseStormAsync(int firing, StormOptions storm, CancellationToken cancellationToken)
    {
        if (await store.ReleaseStormAsync(cancellationToken))
        {
            LogStormReleased(firing, storm.Window);
        }
    }

    private async Task<GuardDecision?> MinimumHealthyRefusalAsync(GuardRequest request, GuardOptions settings, CancellationToken cancellationToken)
    {
        foreach (var step in request.Steps.Where(step => step.Destructive && ActionCatalog.Find(step.Action)?.ReducesCapacity == true))
        {
            var target = step.Target ?? request.Target;
            WorkloadStatus status;
            try
            {
                status = await workloads.ReadAsync(target, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never guess: without current counts a scale-down or isolation could be the one too many.
                return GuardDecision.Refuse(GuardReasons.WorkloadStatusUnavailable, $"step '{step.Name}': cannot read the current state of {target}: {e.Message}");
            }

            var refusal = step.Action == "scale" ? ScaleRefusal(step, target, status, settings) : IsolateRefusal(step, target, status, settings);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static GuardDecision? ScaleRefusal(PlannedStep step, RemediationTarget target, WorkloadStatus status, GuardOptions settings)
    {
        var replicas = Number(step, "replicas");
        var by = Number(step, "by");
        var min = Number(step, "min") ?? 0;
        var max = Number(step, "max") ?? int.MaxValue;
        var perObject = status.Objects == 0 ? 0 : status.Replicas / status.Objects;
        var after = status.Objects * Math.Clamp(replicas ?? perObject + (by ?? 0), min, Math.Max(min, max));
        var floor = status.Objects * settings.MinimumAvailableReplicas;
        return after < status.Replicas && after < floor
            ? GuardDecision.Refuse(GuardReasons.MinimumHealthy, $"step '{step.Name}' would scale {target} from {status.Replicas} to {after} replicas, below the minimum of {settings.MinimumAvailableReplicas} ({GuardOptions.SectionName}:MinimumAvailableReplicas)")
            : null;
    }

    private static GuardDecision? IsolateRefusal(PlannedStep step, RemediationTarget target, WorkloadStatus status, GuardOptions settings)
    {
        var mode = step.Parameters.GetValueOrDefault("mode") ?? "scale-to-zero";
        if (mode == "quarantine-pod")
        {
            var left = status.AvailableReplicas - status.Objects;
            return left < settings.MinimumAvailableReplicas
                ? GuardDecision.Refuse(GuardReasons.MinimumHealthy, $"step '{step.Name}' would quarantine {status.Objects} pod(s) of {target}, leaving {Math.Max(left, 0)} available, below the minimum of {settings.MinimumAvailableReplicas}")
                : null;
        }

        // A whole workload goes out of service by design (the cascade runbook isolates its root),
        // so the limit is the share of the namespace, not the workload's replicas.
        if (status.NamespaceWorkloads == 0)
        {
            return null;
        }

        var outOfService = status.OutOfServiceWorkloads + status.Objects;
        var share = (double)outOfService / status.NamespaceWorkloads;
        return share > settings.MaxIsolatedShare
            ? GuardDecision.Refuse(GuardReasons.IsolatedShare, $"step '{step.Name}' would leave {outOfService} of {status.NamespaceWorkloads} workloads in namespace {target.Namespace} out of service, more than {settings.MaxIsolatedShare.ToString("P0", CultureInfo.InvariantCulture)} ({GuardOptions.SectionName}:MaxIsolatedShare)")
            : null;
    }

    private static int? Number(PlannedStep step, string name) =>
        step.Parameters.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Guard refused rule {Rule} on {Target} (remediation {RemediationId}): {Reason}: {Detail}")]
    private partial void LogRefused(string rule, RemediationTarget target, Guid remediationId, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Guard holds rule {Rule} on {Target} (remediation {RemediationId}) at {Verdict}: {Detail}")]
    private partial void LogHeld(string rule, RemediationTarget target, Guid remediationId, GuardVerdict verdict, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Remediation {RemediationId} of {Target} finished {Outcome}; cooldown started: {Cooling}")]
    private partial void LogFinished(RemediationTarget target, Guid remediationId, RemediationOutcome outcome, bool cooling);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert storm over: {Count} distinct targets fired within {Window}; destructive actions resume")]
    private partial void LogStormReleased(int count, TimeSpan window);
}
