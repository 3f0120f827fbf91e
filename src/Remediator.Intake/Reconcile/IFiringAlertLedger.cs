using Remediator.Contracts;

namespace Remediator.Intake.Reconcile;

/// <summary>
/// Which alerts of the reconciled receivers the engine took in firing and has not yet seen resolve,
/// whether they came by webhook or by reconciling: the reconciler's "already known", and the
/// alerts it resolves once no Alertmanager lists them. Survives restarts; shared by replicas.
/// </summary>
public interface IFiringAlertLedger
{
    /// <summary>A firing alert is remembered; a resolved one forgets its firing occurrence.</summary>
    Task RecordAsync(IReadOnlyCollection<AlertReceived> alerts, CancellationToken cancellationToken);

    /// <summary>Every alert remembered as firing.</summary>
    Task<IReadOnlyList<FiringAlert>> ListAsync(CancellationToken cancellationToken);
}
