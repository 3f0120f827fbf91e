using MassTransit;
using Remediator.Contracts;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// A MassTransit bus of the test's own on the test's virtual host. Its receive endpoint subscribes
/// to the engine's events (MassTransit binds one exchange per message type to the endpoint's
/// queue), so it gets a copy of every <see cref="RemediationRequested"/>, <see cref="TargetAlertResolved"/>
/// and <see cref="RemediationEscalated"/> the engine publishes, one at a time and in queue order. (An
/// accepted alert reaches the bus only inside the messages it causes: there is no AlertReceived.)
/// </summary>
public sealed class BusObserver : IAsyncDisposable
{
    public const string QueueName = "integration-test-observer";

    private readonly IBusControl _bus;

    private BusObserver(IBusControl bus) => _bus = bus;

    public ObservedMessages<RemediationRequested> RemediationsRequested { get; } = new();

    public ObservedMessages<TargetAlertResolved> TargetsResolved { get; } = new();

    public ObservedMessages<RemediationEscalated> RemediationsEscalated { get; } = new();

    /// <summary>Starts the bus; once this returns the queue is bound and nothing published later is missed.</summary>
    public static async Task<BusObserver> StartAsync(RabbitMqVirtualHost virtualHost)
    {
        ArgumentNullException.ThrowIfNull(virtualHost);
        BusObserver? observer = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(configure =>
        {
            configure.Host(RabbitMqBroker.Host, RabbitMqBroker.AmqpPort, virtualHost.Name, host =>
            {
                host.Username(RabbitMqBroker.Username);
                host.Password(RabbitMqBroker.Password);
            });
            configure.ReceiveEndpoint(QueueName, endpoint =>
            {
                // One message at a time: what the test sees is in the order the queue got it.
                endpoint.PrefetchCount = 1;
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.Handler<RemediationRequested>(context =>
                {
                    observer!.RemediationsRequested.Add(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<TargetAlertResolved>(context =>
                {
                    observer!.TargetsResolved.Add(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<RemediationEscalated>(context =>
                {
                    observer!.RemediationsEscalated.Add(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        observer = new BusObserver(bus);
        using var starting = new CancellationTokenSource(Eventually.DefaultTimeout);
        await bus.StartAsync(starting.Token);
        return observer;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
