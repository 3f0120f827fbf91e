using Remediator.Contracts;

namespace Remediator.Intake.Reconcile;

/// <summary>An alert the engine took in firing and has not seen resolve, as <see cref="IFiringAlertLedger"/> keeps it.</summary>
/// <param name="Alert">The alert as it was taken in: what its resolution repeats (labels, fingerprint, startsAt, receiver).</param>
/// <param name="RecordedAt">When the engine took it in: a round that listed the peers before then cannot say it ended.</param>
public sealed record FiringAlert(AlertReceived Alert, DateTimeOffset RecordedAt);
