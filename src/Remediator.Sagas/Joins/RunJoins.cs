using Remediator.Contracts;
using Remediator.Guards;

namespace Remediator.Sagas.Joins;

/// <summary>
/// The webhook's side of a join: the row, and, for a firing alert, its count in the guards' storm
/// window (the saga counts every firing request it handles the same way, started or joined).
/// </summary>
public sealed class RunJoins(IRunJoinStore store, IRemediationGuards guards) : IRunJoins
{
    public async Task<bool> TryJoinAsync(RemediationRequested request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var correlationId = RemediationCorrelation.For(request.RuleName, request.Target);
        var alert = request.Alert;
        if (!await store.TryJoinAsync(correlationId, request.RequestId, alert.Fingerprint, alert.Labels.GetValueOrDefault(Api.RemediationAlertView.AlertNameLabel), cancellationToken))
        {
            return false;
        }

        if (alert.Status == AlertStatus.Firing)
        {
            await guards.RecordFiringAsync(request.Target, cancellationToken);
        }

        return true;
    }
}
