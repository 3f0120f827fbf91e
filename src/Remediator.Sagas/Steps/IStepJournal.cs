namespace Remediator.Sagas.Steps;

/// <summary>
/// Where a step writes down that it is about to act and that it has acted, so an engine that died
/// mid-step never repeats a destructive action by accident: on redelivery the step finds its own
/// unfinished entry (<see cref="StepJournalState.Interrupted"/>) and reports its outcome unknown
/// instead of acting again. A saga closes an attempt (<see cref="SealAsync"/>) when it stops
/// waiting for it, so steps of that attempt that had not begun never begin; the undoing of the
/// attempt's steps (the <c>compensate</c> phase) is journaled too, so nothing is undone twice, and
/// is never stopped by the seal. Durable in the host
/// (the engine's database, shared by its replicas); in memory otherwise.
/// </summary>
public interface IStepJournal
{
    /// <summary>Claims the step: <see cref="StepJournalState.Begun"/> when this call may act.</summary>
    Task<StepJournalEntry> BeginAsync(StepJournalKey key, CancellationToken cancellationToken);

    /// <summary>Records the step's outcome (<paramref name="record"/> is opaque to the journal).</summary>
    Task CompleteAsync(StepJournalKey key, string record, CancellationToken cancellationToken);

    /// <summary>No step of the attempt begins after this; steps already begun finish as they would.</summary>
    Task SealAsync(Guid remediationId, int attempt, CancellationToken cancellationToken);

    /// <summary>The steps of the attempt's <paramref name="phase"/> that began, by their index in the attempt, with what each recorded (what the saga undoes when a run is cancelled).</summary>
    Task<IReadOnlyList<StepJournalStep>> ListAsync(Guid remediationId, int attempt, string phase, CancellationToken cancellationToken);

    /// <summary>How many steps of the attempt began, and how many of those never completed (the reconciler's view of an attempt whose engine died).</summary>
    Task<StepJournalProgress> GetProgressAsync(Guid remediationId, int attempt, CancellationToken cancellationToken);
}
