using MassTransit;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Scheduling.Outbox;

namespace Remediator.Escalation.Delivery;

/// <summary>
/// Delivers one message to one channel (the channel retries inside with Polly) and reports how it
/// went. A delivery that fails for good is reported, not thrown: a dead channel must not block
/// the escalation, which moves on to the next tier instead. It waits on the network, so it holds
/// no database transaction: a crash mid-delivery delivers again, and the channels' de-duplication
/// keys make that one page.
/// </summary>
[OutsideUnitOfWork]
public sealed class DeliverEscalationConsumer(
    IEnumerable<IEscalationChannel> channels,
    EscalationMetrics metrics,
    TimeProvider timeProvider,
    ILogger<DeliverEscalationConsumer> logger) : IConsumer<DeliverEscalation>
{
    /// <summary>The consumer's queue, as the bus's formatter names it (the saga and the notify consumer send here).</summary>
    public static Uri Address(IEndpointNameFormatter formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        return new Uri($"queue:{formatter.Consumer<DeliverEscalationConsumer>()}");
    }

    public async Task Consume(ConsumeContext<DeliverEscalation> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var delivery = context.Message;
        var channel = channels.FirstOrDefault(c => c.Type == delivery.Channel.Type)
            ?? throw new InvalidOperationException($"No sender is registered for {delivery.Channel.Type} channels.");
        var result = await channel.SendAsync(delivery, context.CancellationToken);
        metrics.Delivery(delivery.Channel.Name, delivery.Kind, result.Succeeded);
        if (result.Succeeded)
        {
            logger.LogInformation(
                "Escalation {Kind} for remediation {RemediationId} delivered via {Channel}: {Detail}",
                delivery.Kind,
                delivery.RemediationId,
                delivery.Channel.Name,
                result.Detail);
        }
        else
        {
            logger.LogWarning(
                "Escalation {Kind} for remediation {RemediationId} could not be delivered via {Channel}: {Detail}",
                delivery.Kind,
                delivery.RemediationId,
                delivery.Channel.Name,
                result.Detail);
        }

        if (delivery.Notification is { } notification)
        {
            await context.Publish(
                NotificationRequestedConsumer.Outcome(notification, delivery.Channel.Name, result.Succeeded ? NotificationOutcome.Delivered : NotificationOutcome.Failed, result.Detail, timeProvider.GetUtcNow()),
                context.CancellationToken);
        }

        await context.Publish(
            new EscalationDelivered
            {
                DeliveryId = delivery.DeliveryId,
                RemediationId = delivery.RemediationId,
                Channel = delivery.Channel.Name,
                Kind = delivery.Kind,
                Tier = delivery.Tier,
                Succeeded = result.Succeeded,
                Detail = result.Detail,
                At = timeProvider.GetUtcNow(),
            },
            context.CancellationToken);
    }
}
