using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Delivery;

/// <summary>
/// A rule's <c>notify</c> step: information, not a page, so no tiers and no escalation saga. It goes
/// to the channels the step names (<c>channel</c>, comma-separated) or else the policy file's
/// <c>notify</c> channels.
/// </summary>
public sealed class NotificationRequestedConsumer(
    IEscalationPolicyProvider policies,
    IEndpointNameFormatter formatter,
    IOptions<EscalationOptions> options,
    TimeProvider timeProvider,
    ILogger<NotificationRequestedConsumer> logger) : IConsumer<RemediationNotificationRequested>
{
    public async Task Consume(ConsumeContext<RemediationNotificationRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var set = policies.Current;
        IReadOnlyList<string> names = message.Parameters.TryGetValue("channel", out var named)
            ? [.. named.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : set.NotifyChannels;
        if (names.Count == 0)
        {
            logger.LogWarning("Notify step {Step} of remediation {RemediationId}: no channel named and no default notify channels", message.StepName, message.RemediationId);
            return;
        }

        var endpoint = await context.GetSendEndpoint(DeliverEscalationConsumer.Address(formatter));
        var text = message.Parameters.GetValueOrDefault("message") ?? message.StepName;
        var notice = new EscalationNotice
        {
            RemediationId = message.RemediationId,
            RuleName = message.StepName,
            Target = message.Target,
            Severity = "notice",
            Reason = text,
            EscalatedAt = message.At,
            DashboardUrl = EscalationStateMachine.DashboardUrl(options.Value.PublicBaseUrl, message.RemediationId),
        };
        foreach (var name in names)
        {
            if (set.FindChannel(name) is not { } channel)
            {
                logger.LogWarning("Notify step {Step} of remediation {RemediationId} names channel {Channel}, which is not defined", message.StepName, message.RemediationId, name);
                continue;
            }

            await endpoint.Send(
                new DeliverEscalation
                {
                    DeliveryId = EscalationKeys.DeliveryId(message.RemediationId, name, DeliveryKind.Notify, -1, message.StepName),
                    RemediationId = message.RemediationId,
                    Channel = channel,
                    Kind = DeliveryKind.Notify,
                    Tier = -1,
                    Notice = notice,
                    Note = text,
                    At = timeProvider.GetUtcNow(),
                },
                context.CancellationToken);
        }
    }
}
