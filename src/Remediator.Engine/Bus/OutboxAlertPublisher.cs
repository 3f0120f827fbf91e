using MassTransit;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Engine.Alerts;
using Remediator.Intake;
using Remediator.Scheduling.Outbox;

namespace Remediator.Engine.Bus;

/// <summary>
/// Hands the webhook's alerts to the engine durably: they are committed to the outbox in the
/// engine's database (one transaction per notification) before the webhook answers 202, on every
/// transport, and the dispatcher then sends them to the intake queue. A crash after the 202 loses
/// nothing: the next start sends what is still there.
/// </summary>
public sealed class OutboxAlertPublisher(
    TransactionalOutbox outbox,
    IEndpointNameFormatter formatter,
    IOptions<BusOptions> options,
    TimeProvider timeProvider) : IAlertPublisher
{
    private readonly Uri _intake = new($"queue:{formatter.Consumer<AlertReceivedConsumer>()}");

    public async Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var timeout = options.Value.PublishTimeout;
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await outbox.SendAsync(alerts, _intake, linked.Token);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A locked or unreachable database turns into a prompt "try later" for the sender.
            throw new AlertPublishException($"The database did not commit {alerts.Count} alerts within {timeout}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AlertPublishException($"Storing {alerts.Count} alerts failed: {ex.Message}", ex);
        }
    }
}
