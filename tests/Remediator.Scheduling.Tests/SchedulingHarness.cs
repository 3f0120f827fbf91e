using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Remediator.Persistence;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

/// <summary>An in-memory bus with the durable scheduler wired as the engine wires it, plus the probe saga.</summary>
public sealed class SchedulingHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SchedulingHarness(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public ProbeRecorder Recorder => _provider.GetRequiredService<ProbeRecorder>();

    public ISagaStateMachineTestHarness<ProbeStateMachine, ProbeState> Probes =>
        Harness.GetSagaStateMachineHarness<ProbeStateMachine, ProbeState>();

    /// <summary>Schedules through <see cref="IMessageScheduler"/> (scoped, as consumers get it).</summary>
    public async Task ScheduleSendAsync<T>(Uri destination, DateTimeOffset dueAt, T message)
        where T : class
    {
        await using var scope = _provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMessageScheduler>().ScheduleSend(destination, dueAt.UtcDateTime, message);
    }

    /// <summary>The transactional outbox (only when started with one).</summary>
    public TransactionalOutbox Outbox => _provider.GetRequiredService<TransactionalOutbox>();

    public OutboxSignal Signal => _provider.GetRequiredService<OutboxSignal>();

    /// <summary>Sent rows waiting for their delete.</summary>
    public SentMessages Sent => _provider.GetRequiredService<SentMessages>();

    public DueMessageDispatcher Dispatcher => _provider.GetServices<IHostedService>().OfType<DueMessageDispatcher>().Single();

    /// <summary>Where <see cref="ProbeTimedOutConsumer"/> receives: the destination of timers the tests schedule directly.</summary>
    public static Uri ProbeAddress => new($"queue:{KebabCaseEndpointNameFormatter.Instance.Consumer<ProbeTimedOutConsumer>()}");

    /// <summary>
    /// Starts the bus. With <paramref name="outbox"/> (the database <paramref name="store"/> keeps its
    /// rows in), every consumer and saga runs behind the transactional outbox, as in the engine.
    /// <paramref name="configure"/> changes other scheduling options.
    /// </summary>
    public static async Task<SchedulingHarness> StartAsync(
        IScheduledMessageStore store,
        TimeProvider timeProvider,
        TimeSpan? pollInterval = null,
        IDatabaseConnectionFactory? outbox = null,
        Action<SchedulingOptions>? configure = null)
    {
        var formatter = KebabCaseEndpointNameFormatter.Instance;
        var services = new ServiceCollection();
        if (outbox is not null)
        {
            services.AddSingleton(outbox).AddSingleton<TransactionalOutbox>();
        }

        services
            .AddSingleton(store)
            .AddSingleton(timeProvider)
            .AddSingleton<ProbeRecorder>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.SetEndpointNameFormatter(formatter);
                bus.AddRemediatorMessageScheduler(formatter);
                bus.AddSagaStateMachine<ProbeStateMachine, ProbeState>().InMemoryRepository();
                bus.AddConsumer<ProbeTimedOutConsumer>();
                bus.UsingInMemory((context, memory) =>
                {
                    if (outbox is not null)
                    {
                        memory.UseTransactionalOutbox(context);
                    }

                    memory.UseRemediatorMessageScheduler(formatter);
                    memory.ConfigureEndpoints(context);
                });
            })

            // After the bus, as the engine registers it: the dispatcher's first poll sends through a started bus.
            .AddRemediatorSchedulingCore()
            .Configure<SchedulingOptions>(options =>
            {
                options.PollInterval = pollInterval ?? options.PollInterval;
                configure?.Invoke(options);
            });
        var harness = new SchedulingHarness(services.BuildServiceProvider(validateScopes: true));
        await harness.Harness.Start();
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
