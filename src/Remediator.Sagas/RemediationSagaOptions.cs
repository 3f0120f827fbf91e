namespace Remediator.Sagas;

/// <summary>Section <c>Remediator:Sagas</c>.</summary>
public sealed class RemediationSagaOptions
{
    public const string SectionName = "Remediator:Sagas";

    /// <summary>How long a run waits for approval before it escalates. Default 30 minutes.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a cascade's dependent waits for its root's remediation to end before it acts on
    /// its own. Default 30 minutes (the root may await approval).
    /// </summary>
    public TimeSpan RootWaitTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// After the root's remediation succeeded, how long a dependent gives its own alert to resolve
    /// (Alertmanager sends the resolution only after Prometheus stops firing it and the group
    /// interval passes) before it remediates anyway. Default 5 minutes.
    /// </summary>
    public TimeSpan CascadeSettle { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Added to the sum of an attempt's step timeouts to give the time after which steps that
    /// never reported back (lost with an engine that died mid-step, or hung) are given up on and
    /// verification decides. Default 2 minutes.
    /// </summary>
    public TimeSpan ExecutionGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many steps this engine runs at once. A step spends nearly all its time waiting on the
    /// API server (a restart waits for its rollout, which takes minutes on a real cluster), so the
    /// limit bounds memory and open requests, not CPU; the API server is paced by the Kubernetes
    /// client's rate limit and the number of remediations by the guards. Too low a limit makes the
    /// first call of a new remediation queue behind rollouts in progress. Default 64.
    /// </summary>
    public int MaxConcurrentSteps { get; set; } = 64;
}
