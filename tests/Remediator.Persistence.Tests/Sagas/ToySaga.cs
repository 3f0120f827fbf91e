using MassTransit;

namespace Remediator.Persistence.Tests.Sagas;

// A small state machine that exercises the repository: create, update, query-correlated
// update, finalize (delete), and a gate that makes two messages race for one instance.

public sealed class ToySaga : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Owner { get; set; } = string.Empty;

    public int Count { get; set; }

    public int Version { get; set; }

    /// <summary>The highest retry attempt that handled a message: above 0 after a conflict.</summary>
    public int MaxRetryAttempt { get; set; }
}

public sealed record ToyStarted(Guid ToyId, string Name, string Owner);

public sealed record ToyIncremented(Guid ToyId);

public sealed record ToyRenamed(string Name, string NewName);

public sealed record ToyFinished(Guid ToyId);

public sealed record ToyCreated(Guid ToyId);

public sealed record ToyCounted(Guid ToyId, int Count);

public sealed record ToyUpdated(Guid ToyId, string Name);

public sealed record ToyClosed(Guid ToyId);

public sealed class ToyStateMachine : MassTransitStateMachine<ToySaga>
{
    public ToyStateMachine(ConflictGate gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        InstanceState(saga => saga.CurrentState);
        Event(() => Started, e => e.CorrelateById(context => context.Message.ToyId));
        Event(() => Incremented, e => e.CorrelateById(context => context.Message.ToyId));
        Event(() => Finished, e => e.CorrelateById(context => context.Message.ToyId));
        Event(() => Renamed, e => e.CorrelateBy((saga, context) => saga.Name == context.Message.Name));

        Initially(
            When(Started)
                .Then(context =>
                {
                    context.Saga.Name = context.Message.Name;
                    context.Saga.Owner = context.Message.Owner;
                })
                .Publish(context => new ToyCreated(context.Saga.CorrelationId))
                .TransitionTo(Counting));

        During(
            Counting,
            When(Incremented)
                .ThenAsync(async context =>
                {
                    await gate.PassAsync();
                    context.Saga.Count++;
                    context.Saga.MaxRetryAttempt = Math.Max(context.Saga.MaxRetryAttempt, context.GetRetryAttempt());
                })
                .Publish(context => new ToyCounted(context.Saga.CorrelationId, context.Saga.Count)),
            When(Renamed)
                .Then(context => context.Saga.Name = context.Message.NewName)
                .Publish(context => new ToyUpdated(context.Saga.CorrelationId, context.Saga.Name)),
            When(Finished)
                .Publish(context => new ToyClosed(context.Saga.CorrelationId))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    public State Counting { get; private set; } = null!;

    public Event<ToyStarted> Started { get; private set; } = null!;

    public Event<ToyIncremented> Incremented { get; private set; } = null!;

    public Event<ToyRenamed> Renamed { get; private set; } = null!;

    public Event<ToyFinished> Finished { get; private set; } = null!;
}

/// <summary>
/// The retry and outbox the repository's optimistic concurrency needs: each round of racing
/// messages lets one win, so allow about as many retries as messages may race for one instance.
/// </summary>
public sealed class ToySagaDefinition : SagaDefinition<ToySaga>
{
    public ToySagaDefinition()
    {
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<ToySaga> sagaConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(retry => retry.Incremental(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

/// <summary>
/// Holds the first <c>parties</c> messages that reach it until all of them have (so they all
/// loaded the same version); later arrivals, such as their retries, pass straight through.
/// </summary>
public sealed class ConflictGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _parties;
    private int _arrived;

    public void Arm(int parties) => _parties = parties;

    public Task PassAsync()
    {
        var arrival = Interlocked.Increment(ref _arrived);
        if (arrival == _parties)
        {
            _open.TrySetResult();
        }

        return arrival <= _parties ? _open.Task : Task.CompletedTask;
    }
}
