using MassTransit;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;

namespace Remediator.Engine.Remediations;

/// <summary>
/// Records each remediation request for the API and the log. The remediation saga (a later
/// issue) takes over from here.
/// </summary>
public sealed class RemediationRequestedConsumer(IRemediationLog log, ILogger<RemediationRequestedConsumer> logger) : IConsumer<RemediationRequested>
{
    public Task Consume(ConsumeContext<RemediationRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        log.Add(request);
        logger.LogInformation(
            "Remediation {RequestId} requested: rule {Rule}, target {Target}, steps {Steps}, alert {Fingerprint}",
            request.RequestId,
            request.RuleName,
            request.Target.ToString(),
            request.Plan.Steps.Select(step => step.Name).ToArray(),
            request.Alert.Fingerprint);
        return Task.CompletedTask;
    }
}
