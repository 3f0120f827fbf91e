namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>One test's own virtual host: its exchanges and queues vanish with it.</summary>
public sealed class RabbitMqVirtualHost(RabbitMqBroker broker, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>The engine's <c>Remediator:Bus:RabbitMq:Url</c> for this virtual host.</summary>
    public Uri AmqpUrl { get; } = new(
        $"amqp://{RabbitMqBroker.Username}:{RabbitMqBroker.Password}@{RabbitMqBroker.Host}:{RabbitMqBroker.AmqpPort}/{Uri.EscapeDataString(name)}");

    public Task WaitUntilDrainedAsync() => broker.WaitUntilDrainedAsync(Name);

    public async ValueTask DisposeAsync() => await broker.DeleteVirtualHostAsync(Name);
}
