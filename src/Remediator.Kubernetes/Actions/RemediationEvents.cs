using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// The trace a remediation leaves on the objects it is about, so <c>kubectl describe</c> and every
/// Kubernetes UI show what the engine did and why: a core/v1 Event per object (reason from the
/// action catalog, <see cref="DryRunReason"/>, <see cref="RefusedReason"/>, <see cref="FailedReason"/>,
/// <see cref="CompensatedReason"/> or <see cref="RestoredReason"/>; the message names the rule, the
/// alert and the run), and on objects a step patched or created the annotation
/// <see cref="LastRemediationAnnotation"/> naming the run, carried by the step's own write. Repeats are folded into one Event as
/// client-go's EventRecorder does (<see cref="EventAggregation"/>). Best-effort: a write the API
/// server refuses is logged and counted, and never fails anything. One per engine (a singleton),
/// so every Event it writes shares the aggregation.
/// </summary>
public sealed partial class RemediationEvents
{
    public const string LastRemediationAnnotation = "remediator.io/last-remediation";
    public const string DryRunReason = "RemediatorDryRun";
    public const string RefusedReason = "RemediatorRefused";
    public const string FailedReason = "RemediatorFailed";
    public const string CompensatedReason = "RemediatorCompensated";
    public const string RestoredReason = "RemediatorRestored";

    /// <summary>The Event's source and reporting component, as <c>kubectl describe</c> shows it (<c>From</c>).</summary>
    public const string Component = "remediator";

    private const string NormalType = "Normal";
    private const string WarningType = "Warning";

    /// <summary>The namespace of a namespaced target that names none and a connection that has none, as kubectl's.</summary>
    private const string DefaultNamespace = "default";

    /// <summary>Events of cluster-scoped objects (Nodes) go to this namespace, as the kubelet's and kubectl's do.</summary>
    private const string ClusterScopedEventNamespace = DefaultNamespace;

    /// <summary>The API server's limit on an Event message (events.k8s.io/v1 enforces it; core/v1 is kept to the same).</summary>
    private const int MaxMessageLength = 1024;

    private readonly IKubernetesApi _api;
    private readonly ResolvedConnection _connection;
    private readonly KubernetesActionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KubernetesClientMetrics? _metrics;
    private readonly EventAggregation _aggregation;

    public RemediationEvents(IKubernetesApi api, ResolvedConnection connection, IOptions<KubernetesActionOptions> options, TimeProvider time, ILogger<RemediationEvents> logger, KubernetesClientMetrics? metrics = null)
        : this(api, connection, (options ?? throw new ArgumentNullException(nameof(options))).Value, time, (ILogger)logger, metrics)
    {
    }

    internal RemediationEvents(IKubernetesApi api, ResolvedConnection connection, KubernetesActionOptions options, TimeProvider time, ILogger logger, KubernetesClientMetrics? metrics)
    {
        _api = api;
        _connection = connection;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _aggregation = new EventAggregation(options.EventAggregationWindow);
    }

    /// <summary>Whether anything is recorded: the setting is on and there is a cluster (an engine without one runs everything dry and writes nowhere).</summary>
    private bool Enabled => _options.RecordEvents && _connection.Connection is not null;

    /// <summary>
    /// The value of <see cref="LastRemediationAnnotation"/> a step of <paramref name="origin"/> writes
    /// into the objects it patches or creates (<see cref="ActionContext.LastRemediation"/>), or null
    /// when nothing is recorded. It rides in the step's own request, never one of its own, so a step
    /// sends what kubectl sends (docs/actions.md).
    /// </summary>
    internal string? LastRemediationFor(ActionOrigin? origin) => origin is not null && Enabled ? origin.RemediationId.ToString("D") : null;

    /// <summary>A step's outcome, on each object it is about.</summary>
    internal async Task RecordAsync(ActionContext context, ActionSpec action, ActionOutcome outcome, bool refused, ActionOrigin origin, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var names = context.ResolvedNames ?? (context.Target.Name is { } name ? [name] : []);
        var resource = KubernetesResource.For(context.Target.Kind);
        var ns = resource.Namespaced ? context.Namespace : null;
        var (reason, type) = outcome.Status switch
        {
            ActionStatus.Succeeded => (action.EventReason ?? FailedReason, NormalType),
            ActionStatus.DryRun => (DryRunReason, NormalType),
            _ => (refused ? RefusedReason : FailedReason, WarningType),
        };
        foreach (var objectName in names)
        {
            var described = Workloads.Describe(resource, ns, objectName);
            var what = outcome.Status == ActionStatus.DryRun ? action.DryRunText(context.Step, described) : outcome.Summary;
            await WriteEventAsync(new InvolvedObject(resource, ns, objectName), reason, type, Message(what, origin), cancellationToken);
        }
    }

    /// <summary>
    /// An undo's outcome (Courier compensating a step after a later one failed, or the recovery
    /// restoring an isolation), on each object it wrote to.
    /// </summary>
    internal async Task RecordUndoAsync(Compensation compensation, ActionOutcome outcome, bool refused, CompensationPurpose purpose, ActionOrigin origin, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var (reason, type) = outcome.Status switch
        {
            ActionStatus.Succeeded => (purpose == CompensationPurpose.Restore ? RestoredReason : CompensatedReason, NormalType),
            ActionStatus.DryRun => (DryRunReason, NormalType),
            _ => (refused ? RefusedReason : FailedReason, WarningType),
        };
        var objects = compensation.Requests
            .Select(request => new InvolvedObject(request.Resource, request.Resource.Namespaced ? request.Namespace : null, request.Name))
            .Distinct();
        foreach (var involved in objects)
        {
            await WriteEventAsync(involved, reason, type, Message(outcome.Summary, origin), cancellationToken);
        }
    }

    /// <summary>
    /// The guards refused a run (<see cref="RemediationRefused"/>): a <see cref="RefusedReason"/>
    /// Warning on the target, naming the guard and why. A target given by a label selector gets
    /// one on each object it matches now.
    /// </summary>
    public async Task RecordRefusalAsync(RemediationRefused refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (!Enabled)
        {
            return;
        }

        var target = refusal.Target;
        var resource = KubernetesResource.For(target.Kind);
        var ns = resource.Namespaced ? target.Namespace ?? _connection.Connection?.Namespace ?? DefaultNamespace : null;
        var origin = new ActionOrigin(refusal.RemediationId, refusal.RuleName, refusal.Alert);
        IReadOnlyList<string> names;
        try
        {
            names = target.Name is { } name
                ? [name]
                : [.. (await _api.ListAsync(resource, ns, target.LabelSelector, null, cancellationToken)).Select(item => item["metadata"]?["name"]?.GetValue<string>()).OfType<string>()];
        }
        catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException)
        {
            Failed(TraceKind.Event, target.ToString(), e);
            return;
        }

        foreach (var objectName in names)
        {
            var described = Workloads.Describe(resource, ns, objectName);
            var what = $"{described}: not remediated{(refusal.DryRun ? " (dry run)" : "")}, attempt {refusal.Attempt} refused by the guards: {refusal.Reason}";
            await WriteEventAsync(new InvolvedObject(resource, ns, objectName), RefusedReason, WarningType, Message(what, origin), cancellationToken);
        }
    }

    /// <summary>The run's dashboard page when the public URL is configured, else its id.</summary>
    public string RunLink(Guid remediationId) =>
        RemediationLinks.DashboardPage(_options.DashboardBaseUrl, remediationId) ?? remediationId.ToString("D");

    private string Message(string what, ActionOrigin origin) =>
        $"{what} (rule {origin.RuleName}, alert {origin.Alert}, run {RunLink(origin.RemediationId)})";

    private static string Truncated(string message) =>
        message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…";

    /// <summary>
    /// Creates the Event, or, when the same object had an Event with this reason within the
    /// aggregation window, counts this one on it (<c>count</c>, <c>lastTimestamp</c>, and the newest
    /// message), as client-go's EventRecorder does. An aggregated Event that is gone (its TTL ran
    /// out, someone deleted it) is created anew.
    /// </summary>
    private async Task WriteEventAsync(InvolvedObject involved, string reason, string type, string message, CancellationToken cancellationToken)
    {
        var described = Workloads.Describe(involved.Resource, involved.Namespace, involved.Name);
        var eventNamespace = involved.Namespace ?? ClusterScopedEventNamespace;
        var now = _time.GetUtcNow();
        var key = new EventAggregation.Key(involved, reason, type);
        var occurrence = _aggregation.Observe(key, message, now);
        if (occurrence.Count > 1)
        {
            var update = new JsonObject
            {
                ["count"] = occurrence.Count,
                ["lastTimestamp"] = Stamp(now),
                ["message"] = Truncated(occurrence.Message),
            };
            try
            {
                await _api.PatchAsync(KubernetesResource.Events, eventNamespace, occurrence.EventName, PatchKind.Merge, update, null, cancellationToken);
                _metrics?.Recorded(TraceKind.Event, TraceOutcome.Aggregated);
                return;
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                occurrence = _aggregation.Restart(key, message, now);
            }
            catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException)
            {
                Failed(TraceKind.Event, described, e);
                return;
            }
        }

        var created = await WriteAsync(TraceKind.Event, described, () => _api.CreateAsync(KubernetesResource.Events, eventNamespace, Event(involved, occurrence.EventName, reason, type, message, now), cancellationToken));
        if (!created)
        {
            // Not on the server, so a repeat must not count on it: it tries to create it again.
            _aggregation.Forget(key, occurrence.EventName);
        }
    }

    private static JsonObject Event(InvolvedObject involved, string name, string reason, string type, string message, DateTimeOffset now)
    {
        var stamp = Stamp(now);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = involved.Namespace ?? ClusterScopedEventNamespace,
            },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = involved.Resource.ApiVersion,
                ["kind"] = involved.Resource.Kind,
                ["name"] = involved.Name,
                ["namespace"] = involved.Namespace,
            },
            ["reason"] = reason,
            ["message"] = Truncated(message),
            ["type"] = type,
            ["source"] = new JsonObject { ["component"] = Component },
            ["reportingComponent"] = Component,
            ["reportingInstance"] = Environment.MachineName,
            ["firstTimestamp"] = stamp,
            ["lastTimestamp"] = stamp,
            ["count"] = 1,
        };
    }

    private static string Stamp(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private async Task<bool> WriteAsync(string kind, string described, Func<Task<JsonObject>> write)
    {
        try
        {
            await write();
            _metrics?.Recorded(kind, TraceOutcome.Written);
            return true;
        }
        catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException)
        {
            Failed(kind, described, e);
            return false;
        }
    }

    private void Failed(string kind, string described, Exception e)
    {
        // Best-effort by design: a step's result, or a refusal, stands whatever happens to its trace.
        _metrics?.Recorded(kind, TraceOutcome.Failed);
        LogTraceFailed(_logger, kind, described, e.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the remediation {Kind} on {Target} (best-effort: nothing else is affected): {Reason}")]
    private static partial void LogTraceFailed(ILogger logger, string kind, string target, string reason);

    /// <summary>The <c>kind</c> label of <c>remediator_kubernetes_events_total</c>.</summary>
    private static class TraceKind
    {
        public const string Event = "event";
    }

    /// <summary>The <c>outcome</c> label of <c>remediator_kubernetes_events_total</c>.</summary>
    private static class TraceOutcome
    {
        public const string Written = "written";
        public const string Aggregated = "aggregated";
        public const string Failed = "failed";
    }
}
