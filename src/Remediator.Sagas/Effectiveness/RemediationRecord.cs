namespace Remediator.Sagas.Effectiveness;

/// <summary>
/// How one run ended, kept for the effectiveness figures: one row per run, written when the run
/// reaches a final state (Succeeded, Escalated, Cancelled, Refused), so it outlives the saga's
/// bounded history of previous runs and holds across restarts and replicas.
/// </summary>
/// <param name="RemediationId">The run's id (the API's <c>{id}</c>).</param>
/// <param name="RuleName">The rule that requested the run.</param>
/// <param name="TargetKey">The target, as <c>RemediationTarget.ToString()</c>.</param>
/// <param name="State">The final state's name (<see cref="RemediationStateMachine.Succeeded"/>, ...).</param>
/// <param name="RefusalCode">The guard that refused or stopped the run (a <c>GuardReasons</c> code); null otherwise.</param>
/// <param name="Attempts">Attempts made: the first plus each ladder rung.</param>
/// <param name="Alerts">Alert deliveries that reached the run (the first and those that joined it).</param>
/// <param name="RequestedAt">When the first alert reached the engine.</param>
/// <param name="FinishedAt">When the run reached its final state.</param>
/// <param name="DryRun">The run changed nothing, so a success is not a verified recovery.</param>
/// <param name="Approved">A person approved the run: it was not handled without a human.</param>
public sealed record RemediationRecord(
    Guid RemediationId,
    string RuleName,
    string TargetKey,
    string State,
    string? RefusalCode,
    int Attempts,
    int Alerts,
    DateTimeOffset RequestedAt,
    DateTimeOffset FinishedAt,
    bool DryRun,
    bool Approved);
