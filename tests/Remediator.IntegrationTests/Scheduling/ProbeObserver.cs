using MassTransit;
using Remediator.IntegrationTests.Infrastructure;

namespace Remediator.IntegrationTests.Scheduling;

/// <summary>A bus of the test's own with a queue that records every <see cref="ScheduledProbe"/> sent to it.</summary>
public sealed class ProbeObserver : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private ProbeObserver(IBusControl bus, Uri address)
    {
        _bus = bus;
        Address = address;
    }

    /// <summary>The queue to schedule probes to.</summary>
    public Uri Address { get; }

    public ObservedMessages<ScheduledProbe> Probes { get; } = new();

    public static async Task<ProbeObserver> StartAsync(RabbitMqVirtualHost virtualHost)
    {
        ArgumentNullException.ThrowIfNull(virtualHost);
        var queue = KebabCaseEndpointNameFormatter.Instance.Message<ScheduledProbe>();
        ProbeObserver? observer = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(configure =>
        {
            configure.Host(virtualHost.AmqpUrl);
            configure.ReceiveEndpoint(queue, endpoint =>
            {
                // Only what is sent to the queue counts: a publish must not reach it too.
                endpoint.ConfigureConsumeTopology = false;
                endpoint.Handler<ScheduledProbe>(context =>
                {
                    observer!.Probes.Add(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        observer = new ProbeObserver(bus, new Uri($"queue:{queue}"));
        using var starting = new CancellationTokenSource(Eventually.DefaultTimeout);
        await bus.StartAsync(starting.Token);
        return observer;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
