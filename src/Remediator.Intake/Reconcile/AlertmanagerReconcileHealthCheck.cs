using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Remediator.Intake.Reconcile;

/// <summary>
/// The readiness detail <c>alertmanager-reconcile</c>: Degraded, never Unhealthy, while a peer gave no
/// list in the latest round. The webhook still works without reconciling, so the engine must stay
/// in service; the detail (and <c>remediator_reconcile_peer_errors_total</c>) says which peer and why.
/// </summary>
public sealed class AlertmanagerReconcileHealthCheck(AlertmanagerReconcileStatus status, IOptions<AlertmanagerReconcileOptions> options) : IHealthCheck
{
    public const string Name = "alertmanager-reconcile";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.IsEnabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"off: no Alertmanager in {AlertmanagerReconcileOptions.Key(nameof(AlertmanagerReconcileOptions.Alertmanagers))}"));
        }

        if (status.LastRoundAt is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("the first round has not finished yet"));
        }

        var peers = status.Peers;
        var data = peers.ToDictionary(peer => peer.Name, peer => (object)(peer.Error ?? "ok"));
        var failed = peers.Where(peer => peer.Error is not null).ToList();
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy($"{peers.Count} Alertmanager(s) answered the latest round", data)
            : HealthCheckResult.Degraded(
                $"{failed.Count} of {peers.Count} Alertmanager(s) gave no alert list in the latest round: {string.Join("; ", failed.Select(peer => $"{peer.Name}: {peer.Error}"))}",
                data: data));
    }
}
