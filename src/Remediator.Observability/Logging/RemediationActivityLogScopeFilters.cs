using MassTransit;
using Microsoft.Extensions.Logging;

namespace Remediator.Observability.Logging;

/// <summary>
/// <see cref="RemediationLogScopeFilter{T}"/> for Courier activities: a step's arguments (and its
/// compensation log) carry the remediation id and target, so the Kubernetes actions' lines do too.
/// </summary>
public sealed class RemediationExecuteLogScopeFilter<TArguments>(ILogger<RemediationExecuteLogScopeFilter<TArguments>> logger) : IFilter<ExecuteContext<TArguments>>
    where TArguments : class
{
    public Task Send(ExecuteContext<TArguments> context, IPipe<ExecuteContext<TArguments>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return RemediationLogScope.InScopeAsync(logger, context.Arguments, () => next.Send(context));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("remediationLogScope");
}

/// <summary>The compensating side of <see cref="RemediationExecuteLogScopeFilter{TArguments}"/>.</summary>
public sealed class RemediationCompensateLogScopeFilter<TLog>(ILogger<RemediationCompensateLogScopeFilter<TLog>> logger) : IFilter<CompensateContext<TLog>>
    where TLog : class
{
    public Task Send(CompensateContext<TLog> context, IPipe<CompensateContext<TLog>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return RemediationLogScope.InScopeAsync(logger, context.Log, () => next.Send(context));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("remediationLogScope");
}
