using MassTransit;
using Remediator.Contracts;

namespace Remediator.Sagas;

/// <summary>
/// The saga instance: one per (rule, target), see <see cref="RemediationCorrelation"/>. It keeps
/// its current run and the runs before it; <see cref="Version"/> is for optimistic concurrency in
/// a durable repository.
/// </summary>
public sealed class RemediationState : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>Resolutions the instance keeps, so a request for an alert that already resolved never acts.</summary>
    public const int MaxResolvedAlerts = 50;

    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public RemediationRun Run { get; set; } = new();

    /// <summary>Finished runs, newest last, at most <see cref="RemediationStateMachine.MaxPreviousRuns"/>.</summary>
    public IReadOnlyList<RemediationRun> PreviousRuns { get; set; } = [];

    /// <summary>
    /// Resolved alert occurrences (idempotency keys) seen for this target, newest last, at most
    /// <see cref="MaxResolvedAlerts"/>: a request that arrives after its
    /// alert's resolution is cancelled instead of acting.
    /// </summary>
    public IReadOnlyList<string> ResolvedAlerts { get; set; } = [];

    /// <summary>The run with this id: the current one or one before it.</summary>
    public RemediationRun? FindRun(Guid remediationId) =>
        Run.RemediationId == remediationId ? Run : PreviousRuns.FirstOrDefault(run => run.RemediationId == remediationId);

    /// <summary>
    /// A run of this rule and target escalated since the last one that succeeded: the next success
    /// also publishes <see cref="RemediationRecovered"/>, which resolves those pages.
    /// </summary>
    public bool EscalatedSinceSuccess { get; set; }

    public Guid? RootWaitTimeoutTokenId { get; set; }

    public Guid? ApprovalTimeoutTokenId { get; set; }

    public Guid? ExecutionTimeoutTokenId { get; set; }

    public Guid? VerificationTimeoutTokenId { get; set; }

    public void RememberResolved(AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var key = AlertIdempotencyKey.For(alert.Fingerprint, alert.StartsAt, AlertStatus.Resolved);
        if (!ResolvedAlerts.Contains(key))
        {
            ResolvedAlerts = [.. ResolvedAlerts.TakeLast(MaxResolvedAlerts - 1), key];
        }
    }

    public bool WasResolved(AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return ResolvedAlerts.Contains(AlertIdempotencyKey.For(alert.Fingerprint, alert.StartsAt, AlertStatus.Resolved));
    }
}
