using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Persistence;
using Remediator.Scheduling;

namespace Remediator.IntegrationTests.Scheduling;

/// <summary>
/// The engine's scheduling side in-process: a RabbitMQ bus on the test's virtual host with the
/// durable scheduler wired as the engine wires it, its timers in the test's PostgreSQL database
/// (migrated at start, as the engine does).
/// </summary>
public sealed class SchedulerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private SchedulerHost(IHost host) => _host = host;

    public static async Task<SchedulerHost> StartAsync(RabbitMqVirtualHost virtualHost, PostgresDatabase database, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(virtualHost);
        ArgumentNullException.ThrowIfNull(database);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{PersistenceOptions.SectionName}:{nameof(PersistenceOptions.Provider)}"] = nameof(DatabaseProvider.Postgres),
            [$"{PersistenceOptions.SectionName}:{nameof(PersistenceOptions.ConnectionString)}"] = database.ConnectionString,

            // Frequent polls make two dispatchers contend for the same timers.
            [$"{SchedulingOptions.SectionName}:{nameof(SchedulingOptions.PollInterval)}"] = "00:00:00.050",
        });
        builder.Services.AddSingleton(clock);
        builder.AddRemediatorPersistence();
        var formatter = KebabCaseEndpointNameFormatter.Instance;
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(formatter);
            bus.AddRemediatorMessageScheduler(formatter);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(virtualHost.AmqpUrl);
                rabbit.UseRemediatorMessageScheduler(formatter);
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.AddRemediatorScheduling();
        var host = builder.Build();
        using var starting = new CancellationTokenSource(Eventually.DefaultTimeout);
        await host.StartAsync(starting.Token);
        return new SchedulerHost(host);
    }

    /// <summary>Schedules as a consumer would, through the scoped <see cref="IMessageScheduler"/>.</summary>
    public async Task ScheduleSendAsync<T>(Uri destination, DateTimeOffset dueAt, T message)
        where T : class
    {
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMessageScheduler>().ScheduleSend(destination, dueAt.UtcDateTime, message);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
