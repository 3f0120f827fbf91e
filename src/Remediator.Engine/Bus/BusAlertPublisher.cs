using MassTransit;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Intake;

namespace Remediator.Engine.Bus;

/// <summary>
/// Publishes the webhook's alerts and waits for the broker: with RabbitMQ, MassTransit completes a
/// publish only after the publisher confirm, so a completed task means the alert is durable.
/// </summary>
public sealed class BusAlertPublisher(IPublishEndpoint publishEndpoint, IOptions<BusOptions> options, TimeProvider timeProvider) : IAlertPublisher
{
    public async Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var timeout = options.Value.PublishTimeout;
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await Task.WhenAll(alerts.Select(alert => publishEndpoint.Publish(alert, linked.Token)));
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // MassTransit keeps retrying while the broker is down; the deadline turns that into
            // a prompt "try later" for the sender.
            throw new AlertPublishException($"The broker did not confirm {alerts.Count} alerts within {timeout}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AlertPublishException($"Publishing {alerts.Count} alerts failed: {ex.Message}", ex);
        }
    }
}
