using MassTransit;

namespace Remediator.Scheduling.Tests;

public sealed record StartProbe(Guid ProbeId);

public sealed record StopProbe(Guid ProbeId);

public sealed record ProbeTimedOut(Guid ProbeId);

public sealed class ProbeState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public Guid? TimeoutTokenId { get; set; }
}

/// <summary>A saga shaped like a remediation's step timeout: scheduled on start, unscheduled when stopped first.</summary>
public sealed class ProbeStateMachine : MassTransitStateMachine<ProbeState>
{
    public static readonly TimeSpan TimeoutDelay = TimeSpan.FromSeconds(2);

    public ProbeStateMachine()
    {
        InstanceState(probe => probe.CurrentState);
        Event(() => Started, e => e.CorrelateById(context => context.Message.ProbeId));
        Event(() => Stopped, e => e.CorrelateById(context => context.Message.ProbeId));
        Schedule(() => Timeout, probe => probe.TimeoutTokenId, schedule =>
        {
            schedule.Delay = TimeoutDelay;
            schedule.Received = e => e.CorrelateById(context => context.Message.ProbeId);
        });

        Initially(When(Started)
            .Schedule(Timeout, context => new ProbeTimedOut(context.Saga.CorrelationId))
            .TransitionTo(Waiting));
        During(
            Waiting,
            When(Timeout!.Received).TransitionTo(TimedOut),
            When(Stopped).Unschedule(Timeout).TransitionTo(Cancelled));
    }

    public State Waiting { get; private set; } = null!;

    public State TimedOut { get; private set; } = null!;

    public State Cancelled { get; private set; } = null!;

    public Event<StartProbe> Started { get; private set; } = null!;

    public Event<StopProbe> Stopped { get; private set; } = null!;

    public Schedule<ProbeState, ProbeTimedOut> Timeout { get; private set; } = null!;
}

/// <summary>Receives timeouts scheduled directly (not by the saga) and hands them to the <see cref="ProbeRecorder"/>.</summary>
public sealed class ProbeTimedOutConsumer(ProbeRecorder recorder) : IConsumer<ProbeTimedOut>
{
    public Task Consume(ConsumeContext<ProbeTimedOut> context)
    {
        recorder.Record(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>
/// What <see cref="ProbeTimedOutConsumer"/> received. Waiting on it does not depend on the harness's
/// inactivity detection, which can give up while a message sent outside a consumer is still queued.
/// </summary>
public sealed class ProbeRecorder
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource<ProbeTimedOut>> _received = new();

    private readonly System.Collections.Concurrent.ConcurrentQueue<ProbeTimedOut> _all = new();

    /// <summary>Every timeout received, duplicates included.</summary>
    public IReadOnlyCollection<ProbeTimedOut> All => _all;

    public void Record(ProbeTimedOut message)
    {
        _all.Enqueue(message);
        Slot(message.ProbeId).TrySetResult(message);
    }

    /// <summary>Completes when the probe's timeout arrives; the timeout only keeps a broken run from hanging.</summary>
    public Task<ProbeTimedOut> ReceivedAsync(Guid probeId) => Slot(probeId).Task.WaitAsync(TimeSpan.FromSeconds(60));

    private TaskCompletionSource<ProbeTimedOut> Slot(Guid probeId) =>
        _received.GetOrAdd(probeId, _ => new TaskCompletionSource<ProbeTimedOut>(TaskCreationOptions.RunContinuationsAsynchronously));
}
