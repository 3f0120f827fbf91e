namespace Remediator.Engine.Bus;

/// <summary>The message bus (section <c>Remediator:Bus</c>).</summary>
public sealed class BusOptions
{
    public const string SectionName = "Remediator:Bus";

    /// <summary>Default <see cref="BusTransport.InMemory"/>.</summary>
    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    public RabbitMqBusOptions RabbitMq { get; set; } = new();

    /// <summary>
    /// How long the webhook waits for the database to commit its alerts to the outbox before
    /// answering 503. Default 5 s: well inside Alertmanager's 10 s webhook timeout.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many messages may wait in the outbox, due and not yet handled, before the webhook answers
    /// 503 with Retry-After instead of accepting more (Alertmanager sends again later). Default
    /// 10,000: a node outage sends hundreds of alerts at once; far more means the engine is behind,
    /// and a real alert should not queue behind a flood.
    /// </summary>
    public int MaxBacklog { get; set; } = 10_000;

    /// <summary>
    /// How long the webhook may go on from its last count of the backlog (plus the alerts it
    /// accepted since) before counting the outbox again; it counts sooner when that estimate
    /// would reach <see cref="MaxBacklog"/>, and refuses only on a fresh count. Default 1 s: the
    /// count reads up to <see cref="MaxBacklog"/> rows, too much for every notification of a
    /// flood, while messages the engine itself writes in a second are few next to the limit.
    /// </summary>
    public TimeSpan BacklogCountInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether MassTransit may report usage telemetry (host, time zone, endpoints) to its vendor.
    /// Default false: the engine does not phone home, and where there is no route out the attempt
    /// only ends in a logged stack trace. Read when the bus is registered.
    /// </summary>
    public bool UsageTelemetry { get; set; }
}
