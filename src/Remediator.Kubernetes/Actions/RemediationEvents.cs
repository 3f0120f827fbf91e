using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// The trace a step leaves on the objects it is about, so <c>kubectl describe</c> and every
/// Kubernetes UI show what the engine did and why: a core/v1 Event per object (reason from the
/// action catalog, <see cref="DryRunReason"/>, <see cref="RefusedReason"/> or
/// <see cref="FailedReason"/>; the message names the rule, the alert and the run), and on objects
/// the step changed the annotation <see cref="LastRemediationAnnotation"/> naming the run.
/// Best-effort: a write the API server refuses is logged and counted, and never fails the step.
/// </summary>
internal sealed partial class RemediationEvents(IKubernetesApi api, KubernetesActionOptions options, TimeProvider time, ILogger logger, KubernetesClientMetrics? metrics)
{
    public const string LastRemediationAnnotation = "remediator.io/last-remediation";
    public const string DryRunReason = "RemediatorDryRun";
    public const string RefusedReason = "RemediatorRefused";
    public const string FailedReason = "RemediatorFailed";

    /// <summary>The Event's source and reporting component, as <c>kubectl describe</c> shows it (<c>From</c>).</summary>
    public const string Component = "remediator";

    /// <summary>Events of cluster-scoped objects (Nodes) go to this namespace, as the kubelet's and kubectl's do.</summary>
    private const string ClusterScopedEventNamespace = "default";

    /// <summary>The API server's limit on an Event message (events.k8s.io/v1 enforces it; core/v1 is kept to the same).</summary>
    private const int MaxMessageLength = 1024;

    public async Task RecordAsync(ActionContext context, ActionSpec action, ActionOutcome outcome, bool refused, ActionOrigin origin, CancellationToken cancellationToken)
    {
        if (!options.RecordEvents)
        {
            return;
        }

        var names = context.ResolvedNames ?? (context.Target.Name is { } name ? [name] : []);
        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = resource.Namespaced ? context.Namespace : null;
        var (reason, type) = outcome.Status switch
        {
            ActionStatus.Succeeded => (action.EventReason ?? FailedReason, "Normal"),
            ActionStatus.DryRun => (DryRunReason, "Normal"),
            _ => (refused ? RefusedReason : FailedReason, "Warning"),
        };
        foreach (var objectName in names)
        {
            var described = Workloads.Describe(resource, ns, objectName);
            var what = outcome.Status == ActionStatus.DryRun ? action.DryRunText(context.Step, described) : outcome.Summary;
            var message = $"{what} (rule {origin.RuleName}, alert {origin.Alert}, run {RunLink(origin.RemediationId)})";
            await WriteAsync("event", described, () => api.CreateAsync(KubernetesResource.Events, ns ?? ClusterScopedEventNamespace, Event(resource, ns, objectName, reason, type, message), cancellationToken));
            if (outcome.Status == ActionStatus.Succeeded && context.Changed && !context.Deleted.Contains(objectName))
            {
                var annotation = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [LastRemediationAnnotation] = origin.RemediationId.ToString("D") } },
                };
                await WriteAsync("annotation", described, () => api.PatchAsync(resource, ns, objectName, PatchKind.Merge, annotation, null, cancellationToken));
            }
        }
    }

    /// <summary>The run's dashboard page when the public URL is configured, else its id.</summary>
    public string RunLink(Guid remediationId) =>
        RemediationLinks.DashboardPage(options.DashboardBaseUrl, remediationId) ?? remediationId.ToString("D");

    private JsonObject Event(KubernetesResource resource, string? ns, string objectName, string reason, string type, string message)
    {
        var now = time.GetUtcNow();
        var stamp = now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                // kubectl's and client-go's naming: the object's name and a unique hex suffix.
                ["name"] = $"{objectName}.{now.ToUnixTimeMilliseconds():x}{Guid.NewGuid().ToString("N")[..8]}",
                ["namespace"] = ns ?? ClusterScopedEventNamespace,
            },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = resource.ApiVersion,
                ["kind"] = resource.Kind,
                ["name"] = objectName,
                ["namespace"] = ns,
            },
            ["reason"] = reason,
            ["message"] = message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…",
            ["type"] = type,
            ["source"] = new JsonObject { ["component"] = Component },
            ["reportingComponent"] = Component,
            ["reportingInstance"] = Environment.MachineName,
            ["firstTimestamp"] = stamp,
            ["lastTimestamp"] = stamp,
            ["count"] = 1,
        };
    }

    private async Task WriteAsync(string kind, string described, Func<Task<JsonObject>> write)
    {
        try
        {
            await write();
            metrics?.Recorded(kind, "written");
        }
        catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException)
        {
            // Best-effort by design: the step's own result stands whatever happens to its trace.
            metrics?.Recorded(kind, "failed");
            LogTraceFailed(logger, kind, described, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the remediation {Kind} on {Target} (the step's result stands): {Reason}")]
    private static partial void LogTraceFailed(ILogger logger, string kind, string target, string reason);
}
