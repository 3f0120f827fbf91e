using Remediator.Contracts;

namespace Remediator.Guards.Workloads;

/// <summary>Stands in when the host has no Kubernetes client: every read fails, so the gate refuses.</summary>
internal sealed class UnavailableWorkloadStatusReader : IWorkloadStatusReader
{
    public Task<WorkloadStatus> ReadAsync(RemediationTarget target, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("no Kubernetes client is registered (AddKubernetes)");
}
