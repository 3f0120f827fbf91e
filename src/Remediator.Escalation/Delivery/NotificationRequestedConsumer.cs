using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Rules.Actions;

namespace Remediator.Escalation.Delivery;

/// <summary>
/// A rule's <c>notify</c> step: information, not a page, so no tiers and no escalation saga. It goes
/// to the channels the step names (<c>channel</c>, comma-separated) or else the policy file's
/// <c>notify</c> channels. Each channel's outcome goes back to the run
/// (<see cref="RemediationNotificationDelivered"/>): delivered or failed once the delivery consumer
/// tried, failed at once for a channel that is not defined, and not sent in a dry run.
/// </summary>
public sealed class NotificationRequestedConsumer(
    IEscalationPolicyProvider policies,
    IEndpointNameFormatter formatter,
    IOptions<EscalationOptions> options,
    TimeProvider timeProvider,
    ILogger<NotificationRequestedConsumer> logger) : IConsumer<RemediationNotificationRequested>
{
    /// <summary>The channel name a missing channel is reported under.</summary>
    public const string NoChannel = "(no channel)";

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
            await context.Publish(Outcome(message, NoChannel, NotificationOutcome.Failed, $"the step names no channel and {EscalationPolicyLoader.FileName} has no notify channels", Now), context.CancellationToken);
            return;
        }

        // In a dry run nothing leaves the engine unless the rule or the engine asks for it.
        var send = !message.DryRun
            || options.Value.NotifyInDryRun
            || (message.Parameters.TryGetValue(NotifyParameters.SendInDryRun, out var sendInDryRun) && bool.TryParse(sendInDryRun, out var asked) && asked);
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
            DashboardUrl = RemediationLinks.DashboardPage(options.Value.PublicBaseUrl, message.RemediationId),
        };
        foreach (var name in names)
        {
            if (set.FindChannel(name) is not { } channel)
            {
                logger.LogWarning("Notify step {Step} of remediation {RemediationId} names channel {Channel}, which is not defined", message.StepName, message.RemediationId, name);
                await context.Publish(Outcome(message, name, NotificationOutcome.Failed, $"channel '{name}' is not defined in {EscalationPolicyLoader.FileName}", Now), context.CancellationToken);
                continue;
            }

            if (!send)
            {
                await context.Publish(Outcome(message, name, NotificationOutcome.NotSent, $"would have sent \"{text}\" ({channel.Type}); a dry run sends nothing", Now), context.CancellationToken);
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
                    At = Now,
                    Notification = message,
                },
                context.CancellationToken);
        }
    }

    /// <summary>One channel's outcome, for the run's timeline.</summary>
    public static RemediationNotificationDelivered Outcome(RemediationNotificationRequested request, string channel, NotificationOutcome outcome, string detail, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new RemediationNotificationDelivered
        {
            CorrelationId = request.CorrelationId,
            RemediationId = request.RemediationId,
            Attempt = request.Attempt,
            StepName = request.StepName,
            Channel = channel,
            Outcome = outcome,
            Detail = detail,
            At = at,
        };
    }

    private DateTimeOffset Now => timeProvider.GetUtcNow();
}
