namespace Remediator.Scheduling;

/// <summary>The durable message scheduler (section <c>Remediator:Scheduling</c>).</summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Remediator:Scheduling";

    /// <summary>How often the dispatcher looks for due timers. Default 1 s: the lateness a timer can have.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a dispatcher holds the timers it claimed before another may send them (if it died mid-send).
    /// Default 30 s; must exceed <see cref="PollInterval"/>.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most timers one poll claims. Default 100; the rest wait for the next poll, which follows at once.</summary>
    public int BatchSize { get; set; } = 100;
}
