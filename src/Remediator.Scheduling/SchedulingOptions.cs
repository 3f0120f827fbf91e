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

    /// <summary>
    /// The lease of a message a commit of this process wrote due at once: it is inserted already claimed
    /// and handed to this process's dispatcher in memory, without a claim statement. If the process dies
    /// first, any dispatcher sends it once this lease expired, so it bounds how late such a message is
    /// after a crash (a single engine restarted after a SIGKILL sends it this long after the commit).
    /// A handed-over message is sent only while at least half of it remains; one that waited longer in
    /// memory (a slow broker) is left to the poll once the lease expired. Default 5 s; must be positive
    /// and not exceed <see cref="LeaseDuration"/>.
    /// </summary>
    public TimeSpan HandOffLease { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the rows of sent messages wait for the next unit of work of this process to delete them
    /// in its own transaction; when none came in that time, the dispatcher deletes them together in one
    /// statement of its own (at once when <see cref="BatchSize"/> wait). A crash before the delete only
    /// sends them again (at-least-once; the inbox absorbs the duplicate). Default 250 ms; must be
    /// positive and well below <see cref="HandOffLease"/> (at most half of it), or the lease of a sent
    /// row could expire before its delete and another dispatcher send it again.
    /// </summary>
    public TimeSpan DeleteInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The most timers one poll claims. Default 100; the rest wait for the next poll, which follows at once.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How many sends the dispatcher has waiting for the transport's confirmation at once (RabbitMQ's
    /// publisher confirm). Messages with one destination and one correlation id (or, without one, one
    /// conversation id) are still sent one after the other, in due order. Default 16; at least 1 (1 sends everything in order).
    /// </summary>
    public int SendConcurrency { get; set; } = 16;
}
