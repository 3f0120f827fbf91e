namespace Remediator.Contracts;

/// <summary>A firing alert matched a rule: remediate <see cref="Target"/> according to <see cref="Plan"/>.</summary>
public sealed record RemediationRequested
{
    public required Guid RequestId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required RemediationPlan Plan { get; init; }

    public required AlertReceived Alert { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>
    /// The workloads the target depends on by the declared topology. While one of them is being
    /// remediated it is the root of a cascade: this remediation waits for the root's outcome
    /// instead of acting on a symptom.
    /// </summary>
    public IReadOnlyList<RemediationTarget> Upstream { get; init; } = [];
}
