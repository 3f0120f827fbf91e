using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// <c>kubectl rollout status</c>: polls until the controller has observed the latest generation
/// and every replica is updated and available; a Deployment whose Progressing condition says
/// ProgressDeadlineExceeded fails at once. The step timeout bounds the wait.
/// </summary>
internal sealed class WaitForRolloutAction : IRemediationAction
{
    public string Name => "wait-for-rollout";

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Workloads.Require(context, TargetKind.Deployment, TargetKind.StatefulSet, TargetKind.DaemonSet);
        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = context.Namespace;
        var details = new List<ActionTargetResult>();
        foreach (var name in await Workloads.ResolveNamesAsync(context, cancellationToken))
        {
            var described = Workloads.Describe(resource, ns, name);
            while (true)
            {
                var workload = await context.Reader.GetAsync(resource, ns, name, null, cancellationToken);
                var (done, message) = Status(context.Target.Kind, workload);
                if (done)
                {
                    details.Add(new ActionTargetResult(described, true, message));
                    break;
                }

                if (message.Contains("ProgressDeadlineExceeded", StringComparison.Ordinal))
                {
                    details.Add(new ActionTargetResult(described, false, message));
                    return context.Outcome(ActionStatus.Failed, $"{described}: {message}") with { Details = details };
                }

                context.Progress = $"{described}: {message}";
                context.Logger.LogRolloutWaiting(described, message);
                await Task.Delay(context.Options.PollInterval, context.Time, cancellationToken);
            }
        }

        // Waiting changes nothing, so it means the same in dry-run; report it as done.
        return context.Outcome(ActionStatus.Succeeded, string.Join("; ", details.Select(d => $"{d.Target}: {d.Message}"))) with { Details = details };
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
