namespace Remediator.Sagas.Messages;

/// <summary>
/// Sent by the reconciler for a run that cannot resume (left in a state no message or timer will
/// move it out of): the run escalates, and <see cref="Reason"/> says why in its timeline.
/// </summary>
public sealed record EscalateRemediation
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string Reason { get; init; }
}
