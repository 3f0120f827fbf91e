using Remediator.Kubernetes.Actions;

namespace Remediator.Sagas.Steps;

/// <summary>What a completed reversible step needs to be undone: it travels in the routing slip.</summary>
public sealed record ExecuteStepLog
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required int Attempt { get; init; }

    public required string StepName { get; init; }

    /// <summary>The step's position in its attempt: the journal key of its undo (null in slips built before it was carried: their undo is not journaled).</summary>
    public int? Index { get; init; }

    public required string Action { get; init; }

    public required Compensation Compensation { get; init; }

    /// <summary>The step said <c>compensate: keep</c> (or its action keeps by default): Courier's undo only records that it was kept.</summary>
    public bool Keep { get; init; }

    /// <summary>The run, rule and alert the undo's Kubernetes Event names; null in slips built before it was carried.</summary>
    public ActionOrigin? Origin { get; init; }
}
