namespace Remediator.Guards;

/// <summary>The reason codes of <see cref="GuardDecision.Reason"/>, also the <c>reason</c> tag of the refusal counter.</summary>
public static class GuardReasons
{
    public const string Paused = "paused";
    public const string NamespacePaused = "namespace-paused";
    public const string NamespaceDenied = "namespace-denied";
    public const string NamespaceNotAllowed = "namespace-not-allowed";
    public const string DryRun = "dry-run";
    public const string Storm = "storm";
    public const string Cooldown = "cooldown";
    public const string MaxAttempts = "max-attempts";
    public const string ConcurrencyLimit = "concurrency-limit";
    public const string MinimumHealthy = "minimum-healthy";
    public const string IsolatedShare = "isolated-share";
    public const string WorkloadStatusUnavailable = "workload-status-unavailable";
    public const string ApprovalRequired = "approval-required";
}
