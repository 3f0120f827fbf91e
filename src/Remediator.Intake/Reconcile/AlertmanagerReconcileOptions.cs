namespace Remediator.Intake.Reconcile;

/// <summary>
/// Reconciling with Alertmanager (section <c>Remediator:Reconcile</c>): at start-up and every
/// <see cref="Interval"/>, the engine reads the firing alerts of <see cref="Receivers"/> from every
/// Alertmanager in <see cref="Alertmanagers"/>, takes in those it never received, and resolves
/// those it took in that no reachable Alertmanager lists any more. Off while no Alertmanager is configured.
/// </summary>
public sealed class AlertmanagerReconcileOptions
{
    public const string SectionName = "Remediator:Reconcile";

    /// <summary>
    /// The Alertmanagers the engine receives from: every peer of an HA cluster, since each keeps its
    /// own view of what fires. Default: none, reconciling is off.
    /// </summary>
    public IList<AlertmanagerPeerOptions> Alertmanagers { get; } = [];

    /// <summary>
    /// The receivers whose webhook is this engine: only their alerts are taken in or resolved.
    /// Default: none; required once an Alertmanager is configured (every alert Alertmanager holds
    /// is not this engine's to remediate).
    /// </summary>
    public IList<string> Receivers { get; } = [];

    /// <summary>
    /// How often to reconcile. Default 1 min: a missed alert waits at most this long instead of
    /// Alertmanager's repeat_interval (4 h by default); one list request per peer each time.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one peer may take to answer before it counts as down for this round. Default 10 s; less than <see cref="Interval"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A larger answer from a peer is refused (peer error). Default 16 MiB: some ten thousand alerts.</summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    public bool IsEnabled => Alertmanagers.Count > 0;

    /// <summary>The full configuration key of one of these settings, e.g. <c>Remediator:Reconcile:Interval</c>, for messages.</summary>
    public static string Key(string setting) => $"{SectionName}:{setting}";
}
