using MassTransit;

namespace Remediator.Sagas.Activities;

/// <summary>
/// A side effect of the remediation saga that needs only the instance, whatever the event:
/// resolved from the saga's scope (<c>.Activity(x => x.OfInstanceType&lt;T&gt;())</c>), so the
/// state machine stays a description of the lifecycle and its services come from DI.
/// </summary>
public abstract class RemediationActivity : IStateMachineActivity<RemediationState>
{
    /// <summary>The activity's name in the state machine's graph and probes.</summary>
    protected abstract string Name { get; }

    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateScope(Name);
    }

    public void Accept(StateMachineVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.Visit(this);
    }

    public async Task Execute(BehaviorContext<RemediationState> context, IBehavior<RemediationState> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        await ExecuteAsync(context);
        await next.Execute(context);
    }

    public async Task Execute<T>(BehaviorContext<RemediationState, T> context, IBehavior<RemediationState, T> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(next);
        await ExecuteAsync(context);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<RemediationState, TException> context, IBehavior<RemediationState> next)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.Faulted(context);
    }

    public Task Faulted<T, TException>(BehaviorExceptionContext<RemediationState, T, TException> context, IBehavior<RemediationState, T> next)
        where T : class
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.Faulted(context);
    }

    protected abstract Task ExecuteAsync(BehaviorContext<RemediationState> context);
}
