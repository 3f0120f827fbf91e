namespace Remediator.Kubernetes.Actions;

/// <summary>Section <c>Remediator:Kubernetes:Actions</c>: timings of the actions that wait.</summary>
public sealed class KubernetesActionOptions
{
    public const string SectionName = "Remediator:Kubernetes:Actions";

    /// <summary>The timeout of a step that gives none. Default 2 minutes (docs/rules.md step-timeout).</summary>
    public TimeSpan DefaultStepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The timeout of wait-for-rollout when the step gives none. Default 5 minutes.</summary>
    public TimeSpan DefaultRolloutTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often wait-for-rollout and drain re-read the cluster. Default 2 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long drain first waits before retrying an eviction a disruption budget refused; it doubles up to six times this. Default 5 seconds, as kubectl.</summary>
    public TimeSpan EvictionRetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}
