using System.Globalization;
using Remediator.Contracts;
using Remediator.Guards.Workloads;
using Remediator.Rules.Actions;

namespace Remediator.Guards.Checks;

/// <summary>
/// For destructive scale and isolate steps, from the workload's current counts: a scale-down
/// never ends below the minimum, quarantining pods never leaves too few available, isolating
/// whole workloads never takes too large a share of the namespace out of service.
/// </summary>
public sealed class MinimumHealthyGuard : IGuard
{
    public string Name => "minimum healthy";

    public async ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var settings = context.Settings;
        foreach (var step in request.Steps.Where(step => step.Destructive && ActionCatalog.Find(step.Action)?.ReducesCapacity == true))
        {
            var target = step.Target ?? request.Target;
            WorkloadStatus status;
            try
            {
                status = await context.Workloads.ReadAsync(target, cancellationToken);
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
}
