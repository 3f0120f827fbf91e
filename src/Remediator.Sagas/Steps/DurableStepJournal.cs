namespace Remediator.Sagas.Steps;

/// <summary>
/// The saga's step journal on the engine's database: it survives the engine and is shared by its
/// replicas, which is what makes a step redelivered after a crash safe.
/// </summary>
public sealed class DurableStepJournal(DatabaseStepJournal journal) : IStepJournal
{
    public async Task<StepJournalEntry> BeginAsync(StepJournalKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var row = await journal.BeginAsync(StepJournalKey.AttemptKey(key.RemediationId, key.Attempt), key.ToString(), cancellationToken, key.Sealable);
        return row switch
        {
            { Sealed: true } => new StepJournalEntry(StepJournalState.Sealed),
            { Claimed: true } => new StepJournalEntry(StepJournalState.Begun),
            { Record: { } record } => new StepJournalEntry(StepJournalState.Completed, record),
            _ => new StepJournalEntry(StepJournalState.Interrupted),
        };
    }

    public Task CompleteAsync(StepJournalKey key, string record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return journal.CompleteAsync(key.ToString(), record, cancellationToken);
    }

    public async Task<IReadOnlyList<StepJournalStep>> ListAsync(Guid remediationId, int attempt, string phase, CancellationToken cancellationToken)
    {
        var rows = await journal.ListAsync(StepJournalKey.AttemptKey(remediationId, attempt), cancellationToken);
        return [.. rows
            .Select(row => (Index: StepJournalKey.IndexIn(row.StepKey, remediationId, attempt, phase), row.Record))
            .Where(row => row.Index is not null)
            .Select(row => new StepJournalStep(row.Index!.Value, row.Record))
            .OrderBy(step => step.Index)];
    }

    public Task SealAsync(Guid remediationId, int attempt, CancellationToken cancellationToken) =>
        journal.SealAsync(StepJournalKey.AttemptKey(remediationId, attempt), cancellationToken);

    public async Task<StepJournalProgress> GetProgressAsync(Guid remediationId, int attempt, CancellationToken cancellationToken)
    {
        var (begun, unfinished) = await journal.CountAsync(StepJournalKey.AttemptKey(remediationId, attempt), cancellationToken);
        return new StepJournalProgress(begun, unfinished);
    }
}
