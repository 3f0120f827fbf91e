using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Intake;
using Remediator.Scheduling.Outbox;

namespace Remediator.Engine.Bus;

/// <summary>
/// Hands the webhook's alerts to the engine durably: they are committed to the outbox in the
/// engine's database (one transaction per notification) before the webhook answers 202, on every
/// transport, and the dispatcher then publishes them (to <see cref="AlertReceived"/>'s exchange, as
/// before, so whatever subscribes to alerts still gets them). A crash after the 202 loses nothing:
/// the next start sends what is still there.
/// </summary>
public sealed class OutboxAlertPublisher(
    TransactionalOutbox outbox,
    OutboxPublisher publisher,
    IOptions<BusOptions> options,
    OutboxBacklogGate backlog,
    TimeProvider timeProvider) : IAlertPublisher
{
    public async Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var settings = options.Value;
        var timeout = settings.PublishTimeout;
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            // Bounded work in flight: past the backlog limit Alertmanager is told to come back later
            // rather than queueing a flood in front of the next real alert.
            if (!await backlog.HasRoomAsync(outbox, alerts.Count, linked.Token))
            {
                throw new AlertBacklogFullException(
                    $"{settings.MaxBacklog} or more messages are waiting to be handled ({BusOptions.SectionName}:{nameof(BusOptions.MaxBacklog)}); not accepting {alerts.Count} more until the engine catches up.");
            }

            await publisher.PublishAllAsync(alerts, linked.Token);
            backlog.Accepted(alerts.Count);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A locked or unreachable database turns into a prompt "try later" for the sender.
            throw new AlertPublishException($"The database did not commit {alerts.Count} alerts within {timeout}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not AlertPublishException and not AlertBacklogFullException)
        {
            throw new AlertPublishException($"Storing {alerts.Count} alerts failed: {ex.Message}", ex);
        }
    }
}
