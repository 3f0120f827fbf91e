namespace Remediator.Guards;

/// <summary>
/// Engine-wide guard settings (section <c>Remediator:Guards</c>); a rule's own
/// <see cref="Contracts.SafetyPolicy"/> adds to them, it never loosens them.
/// </summary>
public sealed class GuardOptions
{
    public const string SectionName = "Remediator:Guards";

    /// <summary>The system namespaces <see cref="DenySystemNamespaces"/> protects.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Remediations allowed to act at the same time, engine-wide. Default 5.</summary>
    public int MaxConcurrentRemediations { get; set; } = 5;

    public StormOptions Storm { get; set; } = new();

    /// <summary>
    /// When not empty, only these namespaces may be remediated (on top of each rule's
    /// <c>allowed-namespaces</c>). Default empty: any namespace not denied.
    /// </summary>
    public IList<string> AllowedNamespaces { get; } = [];

    /// <summary>Never remediated, whatever the allow lists say (deny wins). Default empty.</summary>
    public IList<string> DeniedNamespaces { get; } = [];

    /// <summary>
    /// Denies <see cref="SystemNamespaces"/> as if they were in <see cref="DeniedNamespaces"/>.
    /// Default true: an automated restart in kube-system can take the whole cluster down. A
    /// separate switch because the configuration binder appends to a list's defaults, so a
    /// default inside <see cref="DeniedNamespaces"/> could never be removed.
    /// </summary>
    public bool DenySystemNamespaces { get; set; } = true;

    /// <summary>Scaling or quarantining pods never leaves fewer available replicas than this. Default 1.</summary>
    public int MinimumAvailableReplicas { get; set; } = 1;

    /// <summary>
    /// The largest share (0 to 1) of a namespace's workloads that may be out of service (isolated or
    /// at zero replicas) after an isolation. Default 0.5.
    /// </summary>
    public double MaxIsolatedShare { get; set; } = 0.5;

    /// <summary>Every remediation runs in dry-run: planned and logged, nothing changed. Default false.</summary>
    public bool DryRun { get; set; }
}

/// <summary>The alert-storm brake (<c>Remediator:Guards:Storm</c>).</summary>
public sealed class StormOptions
{
    /// <summary>More distinct targets than this firing within <see cref="Window"/> is a storm. Default 10.</summary>
    public int Threshold { get; set; } = 10;

    /// <summary>The sliding window firings are counted in; a storm ends when it holds no more than the threshold. Default 5 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far firing targets are counted: one past <paramref name="threshold"/> tells a storm, more tells nothing more.</summary>
    internal static int FiringsToCount(int threshold) => threshold < int.MaxValue ? threshold + 1 : threshold;
}
