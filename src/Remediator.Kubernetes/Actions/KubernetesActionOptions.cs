namespace Remediator.Kubernetes.Actions;

/// <summary>Section <c>Remediator:Kubernetes:Actions</c>: timings of the actions that wait.</summary>
public sealed class KubernetesActionOptions
{
    public const string SectionName = "Remediator:Kubernetes:Actions";

    /// <summary>The timeout of a step that gives none. Default 2 minutes (docs/rules.md step-timeout).</summary>
    public TimeSpan DefaultStepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The timeout of wait-for-rollout when the step gives none. Default 5 minutes.</summary>
    public TimeSpan DefaultRolloutTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether wait-for-rollout watches the workload, as <c>kubectl rollout status</c> does (true,
    /// the default), or only polls every <see cref="PollInterval"/>. A watch that fails falls back to polling.
    /// </summary>
    public bool WatchRollouts { get; set; } = true;

    /// <summary>How long one rollout watch may stay open before the server ends it and it is renewed. Default 5 minutes.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often wait-for-rollout (when polling) and drain re-read the cluster. Default 2 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long drain first waits before retrying an eviction a disruption budget refused; it doubles up to six times this. Default 5 seconds, as kubectl.</summary>
    public TimeSpan EvictionRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether every step records a Kubernetes Event on the objects it is about and annotates the
    /// ones it changed (<c>remediator.io/last-remediation</c>). Default true; best-effort either way.
    /// </summary>
    public bool RecordEvents { get; set; } = true;

    /// <summary>
    /// How long after an Event a similar one (same object, reason and type) is counted on it instead
    /// of written as a new one, as client-go's EventRecorder does: a storm of refusals is one Event
    /// per object with a count. Measured from the latest occurrence. Default 10 minutes (client-go's);
    /// <see cref="TimeSpan.Zero"/>: every occurrence is an Event of its own.
    /// </summary>
    public TimeSpan EventAggregationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The dashboard's public URL, for the run links in Events (<c>{url}/remediations/{id}</c>).
    /// Default: <c>Remediator:Escalation:PublicBaseUrl</c> (the host fills it in), so one setting
    /// serves both; unset, an Event names the run by its id.
    /// </summary>
    public Uri? DashboardBaseUrl { get; set; }
}
