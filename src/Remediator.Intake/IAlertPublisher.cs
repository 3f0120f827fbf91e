using Remediator.Contracts;

namespace Remediator.Intake;

/// <summary>
/// Hands accepted alerts to the engine. Implemented by the engine (claim, rule match and the
/// requests written to the outbox, in one transaction); a seam so the webhook can be tested without it.
/// </summary>
public interface IAlertPublisher
{
    /// <summary>
    /// Returns once what the alerts ask of the engine is committed (a duplicate asks nothing). Throws
    /// <see cref="AlertPublishException"/> when the commit fails or does not happen in time (nothing
    /// of it is kept), and <see cref="AlertBacklogFullException"/> past the backlog limit.
    /// </summary>
    Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken);
}
