using System.Collections.Concurrent;

namespace Remediator.Sagas.Steps;

/// <summary>The journal of one process (embedded buses and tests): it guards against redelivery, not against the process dying.</summary>
public sealed class InMemoryStepJournal : IStepJournal
{
    private readonly ConcurrentDictionary<string, string?> _steps = new();
    private readonly ConcurrentDictionary<string, bool> _sealed = new();

    public Task<StepJournalEntry> BeginAsync(StepJournalKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Sealable && _sealed.ContainsKey(StepJournalKey.AttemptKey(key.RemediationId, key.Attempt)))
        {
            return Task.FromResult(new StepJournalEntry(StepJournalState.Sealed));
        }

        if (_steps.TryAdd(key.ToString(), null))
        {
            return Task.FromResult(new StepJournalEntry(StepJournalState.Begun));
        }

        var record = _steps[key.ToString()];
        return Task.FromResult(record is null ? new StepJournalEntry(StepJournalState.Interrupted) : new StepJournalEntry(StepJournalState.Completed, record));
    }

    public Task CompleteAsync(StepJournalKey key, string record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _steps[key.ToString()] = record;
        return Task.CompletedTask;
    }

    public Task SealAsync(Guid remediationId, int attempt, CancellationToken cancellationToken)
    {
        _sealed[StepJournalKey.AttemptKey(remediationId, attempt)] = true;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StepJournalStep>> ListAsync(Guid remediationId, int attempt, string phase, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepJournalStep> steps = [.. _steps
            .Select(step => (Index: StepJournalKey.IndexIn(step.Key, remediationId, attempt, phase), Record: step.Value))
            .Where(step => step.Index is not null)
            .Select(step => new StepJournalStep(step.Index!.Value, step.Record))
            .OrderBy(step => step.Index)];
        return Task.FromResult(steps);
    }

    public Task<StepJournalProgress> GetProgressAsync(Guid remediationId, int attempt, CancellationToken cancellationToken)
    {
        var prefix = StepJournalKey.AttemptKey(remediationId, attempt) + "/";
        var steps = _steps.Where(step => step.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return Task.FromResult(new StepJournalProgress(steps.Count, steps.Count(step => step.Value is null)));
    }
}
