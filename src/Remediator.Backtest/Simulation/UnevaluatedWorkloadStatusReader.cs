using Remediator.Contracts;
using Remediator.Guards.Workloads;

namespace Remediator.Backtest.Simulation;

/// <summary>
/// Stands in for the live cluster, which a backtest does not have: every read answers counts the
/// minimum-healthy guard lets pass, and is counted, so the report can say the guard was not evaluated.
/// </summary>
public sealed class UnevaluatedWorkloadStatusReader : IWorkloadStatusReader
{
    /// <summary>No replicas wanted (a scale never goes below it), all available, no namespace count (no isolated share).</summary>
    private static readonly WorkloadStatus _passing = new(Objects: 1, Replicas: 0, AvailableReplicas: int.MaxValue, NamespaceWorkloads: 0, OutOfServiceWorkloads: 0);

    /// <summary>How many times the guard asked.</summary>
    public int Reads { get; private set; }

    public Task<WorkloadStatus> ReadAsync(RemediationTarget target, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(_passing);
    }
}
