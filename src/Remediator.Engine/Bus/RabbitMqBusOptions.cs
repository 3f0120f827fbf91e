namespace Remediator.Engine.Bus;

/// <summary>RabbitMQ connection (section <c>Remediator:Bus:RabbitMq</c>).</summary>
public sealed class RabbitMqBusOptions
{
    /// <summary>
    /// <c>amqp://user:password@host:5672/vhost</c> (or <c>amqps://</c>). Required when the transport
    /// is RabbitMq; no default, so a production deployment cannot silently talk to a local broker.
    /// </summary>
    public Uri? Url { get; set; }
}
