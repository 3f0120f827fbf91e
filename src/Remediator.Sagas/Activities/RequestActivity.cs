using MassTransit;
using Remediator.Contracts;

namespace Remediator.Sagas.Activities;

/// <summary>
/// A side effect of the remediation saga on a <see cref="RemediationRequested"/>: resolved from
/// the saga's scope (<c>.Activity(x => x.OfType&lt;T&gt;())</c>).
/// </summary>
public abstract class RequestActivity : IStateMachineActivity<RemediationState, RemediationRequested>
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

    public async Task Execute(BehaviorContext<RemediationState, RemediationRequested> context, IBehavior<RemediationState, RemediationRequested> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        await ExecuteAsync(context);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<RemediationState, RemediationRequested, TException> context, IBehavior<RemediationState, RemediationRequested> next)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.Faulted(context);
    }

    protected abstract Task ExecuteAsync(BehaviorContext<RemediationState, RemediationRequested> context);
}
