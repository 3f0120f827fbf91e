using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl rollout status</c>: waits until the controller has observed the latest generation
/// and every replica is updated and available; a Deployment whose Progressing condition says
/// ProgressDeadlineExceeded fails at once. Like kubectl it watches the workload; when the server
/// ends the watch it re-reads the workload and watches again from there, and when a watch fails
/// (410 Expired, forbidden, unreachable) it polls instead. The step timeout bounds the wait.
/// </summary>
internal sealed class WaitForRolloutAction : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.WaitForRollout;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet, TargetKind.DaemonSet);
        var resource = KubernetesResource.For(context.Target.Kind);
        var details = new List<ActionTargetResult>();
        var watching = context.Options.WatchRollouts;
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(resource, context.Namespace, name);
            while (true)
            {
                var workload = await context.Reader.GetAsync(resource, context.Namespace, name, null, cancellationToken);
                var result = Evaluate(context, described, workload);
                if (result is null && watching)
                {
                    (result, watching) = await WatchAsync(context, resource, name, described, workload, cancellationToken);
                }
                else if (result is null)
                {
                    await Task.Delay(context.Options.PollInterval, context.Time, cancellationToken);
                }

                if (result is { Succeeded: false })
                {
                    details.Add(result);
                    return context.Outcome(ActionStatus.Failed, $"{described}: {result.Message}") with { Details = details };
                }

                if (result is not null)
                {
                    details.Add(result);
                    break;
                }
            }
        }

        // Waiting changes nothing, so it means the same in dry-run; report it as done.
        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with { Details = details };
    }

    /// <summary>
    /// Follows the workload's changes from the version just read until the rollout ends (a result)
    /// or the stream does (null: re-read and watch again). The second value is false when watching
    /// failed and the caller should poll from now on.
    /// </summary>
    private static async Task<(ActionTargetResult? Result, bool KeepWatching)> WatchAsync(
        ActionContext context, KubernetesResource resource, string name, string described, JsonObject workload, CancellationToken cancellationToken)
    {
        var version = workload["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "0";
        try
        {
            await foreach (var change in context.Reader.WatchAsync(resource, context.Namespace, name, version, context.Options.WatchTimeout, cancellationToken))
            {
                if (change.Type == "DELETED")
                {
                    return (new ActionTargetResult(described, false, "was deleted while waiting for its rollout"), true);
                }

                if (change.Type is "ADDED" or "MODIFIED" && Evaluate(context, described, change.Item) is { } result)
                {
                    return (result, true);
                }
            }

            context.Logger.LogRolloutWatchClosed(described);
            return (null, true);
        }
        catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException)
        {
            context.Logger.LogRolloutWatchFailed(described, e.Message);
            return (null, false);
        }
    }

    /// <summary>The end of the rollout (done or failed), or null with <see cref="ActionContext.Progress"/> saying what it waits for.</summary>
    private static ActionTargetResult? Evaluate(ActionContext context, string described, JsonObject workload)
    {
        var (done, message) = Status(context.Target.Kind, workload);
        if (done)
        {
            return new ActionTargetResult(described, true, message);
        }

        if (message.Contains("ProgressDeadlineExceeded", StringComparison.Ordinal))
        {
            return new ActionTargetResult(described, false, message);
        }

        context.Progress = $"{described}: {message}";
        context.Logger.LogRolloutWaiting(described, message);
        return null;
    }

    /// <summary>kubectl's rollout status rules per kind: (complete, what is being waited for).</summary>
    internal static (bool Done, string Message) Status(TargetKind kind, JsonObject workload)
    {
        var spec = workload["spec"];
        var status = workload["status"];
        var generation = Workloads.Generation(workload);
        var observed = status?["observedGeneration"]?.GetValue<long>() ?? 0;
        var name = Workloads.Name(workload);
        switch (kind)
        {
            case TargetKind.Deployment:
                {
                    if (generation > observed)
                    {
                        return (false, "waiting for the deployment spec update to be observed");
                    }

                    var progressing = (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Progressing");
                    if (progressing?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded")
                    {
                        return (false, $"deployment \"{name}\" exceeded its progress deadline (ProgressDeadlineExceeded): {progressing["message"]?.GetValue<string>()}");
                    }

                    var desired = Workloads.Int(spec?["replicas"], 1);
                    var updated = Workloads.Int(status?["updatedReplicas"]);
                    var replicas = Workloads.Int(status?["replicas"]);
                    var available = Workloads.Int(status?["availableReplicas"]);
                    if (updated < desired)
                    {
                        return (false, $"{updated} out of {desired} new replicas have been updated");
                    }

                    if (replicas > updated)
                    {
                        return (false, $"{replicas - updated} old replicas are pending termination");
                    }

                    if (available < updated)
                    {
                        return (false, $"{available} of {updated} updated replicas are available");
                    }

                    return (true, $"successfully rolled out ({updated} replicas)");
                }

            case TargetKind.StatefulSet:
                {
                    if (spec?["updateStrategy"]?["type"]?.GetValue<string>() is { } strategy && strategy != "RollingUpdate")
                    {
                        return (true, $"update strategy {strategy}: rollout status is not tracked (as kubectl)");
                    }

                    if (observed == 0 || generation > observed)
                    {
                        return (false, "waiting for the statefulset spec update to be observed");
                    }

                    var desired = Workloads.Int(spec?["replicas"], 1);
                    var ready = Workloads.Int(status?["readyReplicas"]);
                    if (ready < desired)
                    {
                        return (false, $"{ready} of {desired} pods are ready");
                    }

                    var partition = Workloads.Int(spec?["updateStrategy"]?["rollingUpdate"]?["partition"]);
                    if (partition > 0)
                    {
                        var updatedPartition = Workloads.Int(status?["updatedReplicas"]);
                        return updatedPartition < desired - partition
                            ? (false, $"{updatedPartition} of {desired - partition} pods above the partition are updated")
                            : (true, $"partitioned roll out complete: {updatedPartition} new pods");
                    }

                    var current = status?["currentRevision"]?.GetValue<string>();
                    var update = status?["updateRevision"]?.GetValue<string>();
                    return current != update
                        ? (false, $"{Workloads.Int(status?["updatedReplicas"])} pods at revision {update}, waiting for the rest")
                        : (true, $"rolling update complete: {ready} pods at revision {update}");
                }

            default:
                {
                    if (spec?["updateStrategy"]?["type"]?.GetValue<string>() is { } strategy && strategy != "RollingUpdate")
                    {
                        return (true, $"update strategy {strategy}: rollout status is not tracked (as kubectl)");
                    }

                    if (generation > observed)
                    {
                        return (false, "waiting for the daemonset spec update to be observed");
                    }

                    var desired = Workloads.Int(status?["desiredNumberScheduled"]);
                    var updated = Workloads.Int(status?["updatedNumberScheduled"]);
                    var available = Workloads.Int(status?["numberAvailable"]);
                    if (updated < desired)
                    {
                        return (false, $"{updated} out of {desired} new pods have been updated");
                    }

                    return available < desired
                        ? (false, $"{available} of {desired} updated pods are available")
                        : (true, $"successfully rolled out ({available} pods)");
                }
        }
    }
}
