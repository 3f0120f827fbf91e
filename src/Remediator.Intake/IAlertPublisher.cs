using Remediator.Contracts;

namespace Remediator.Intake;

/// <summary>
/// Hands accepted alerts to the message bus. Implemented by the engine's bus; a seam so the
/// webhook can be tested without a broker.
/// </summary>
public interface IAlertPublisher
{
    /// <summary>
    /// Returns once the broker has confirmed every alert. Throws <see cref="AlertPublishException"/>
    /// when the bus is unreachable, refuses a message or does not confirm in time.
    /// </summary>
    Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken);
}
