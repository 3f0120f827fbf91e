namespace Remediator.Engine.Bus;

/// <summary>The broker behind the MassTransit bus.</summary>
public enum BusTransport
{
    /// <summary>In-process: no broker, messages are lost on exit. For development and tests.</summary>
    InMemory,

    /// <summary>RabbitMQ with durable queues and publisher confirms. For production.</summary>
    RabbitMq,
}
