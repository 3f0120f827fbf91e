namespace Remediator.Engine.Alerts;

/// <summary>The alert claims' memory (section <c>Remediator:Deduplication</c>).</summary>
public sealed class DeduplicationOptions
{
    public const string SectionName = "Remediator:Deduplication";

    /// <summary>
    /// How long a handled alert occurrence is remembered. Default 24 h: longer than Alertmanager's
    /// default repeat_interval (4 h), so the repeats of one episode are recognised.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);
}
