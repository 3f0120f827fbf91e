using MassTransit;
using Microsoft.Extensions.Logging;

namespace Remediator.Observability.Logging;

/// <summary>
/// Opens a logging scope with the consumed message's remediation id, rule, target and alert
/// fingerprint (see <see cref="RemediationLogScope"/>), so every line logged while a consumer,
/// saga or activity handles it carries them (Serilog's JSON has them as properties).
/// </summary>
public sealed class RemediationLogScopeFilter<T>(ILogger<RemediationLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return RemediationLogScope.InScopeAsync(logger, context.Message, () => next.Send(context));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("remediationLogScope");
}
