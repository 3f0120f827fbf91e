using Remediator.Contracts;

namespace Remediator.Guards.Workloads;

/// <summary>Current replica and workload counts, for the minimum-healthy gate.</summary>
public interface IWorkloadStatusReader
{
    /// <exception cref="Exception">Any failure to read; the gate then refuses (it never guesses).</exception>
    Task<WorkloadStatus> ReadAsync(RemediationTarget target, CancellationToken cancellationToken);
}
