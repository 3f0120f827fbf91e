using System.Collections.Concurrent;

namespace Remediator.Sagas.Effectiveness;

/// <summary>The history in this process only (tests, and the saga without a database).</summary>
public sealed class InMemoryRemediationHistory : IRemediationHistory
{
    private readonly ConcurrentDictionary<Guid, RemediationRecord> _records = new();

    public Task RecordAsync(RemediationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.RemediationId] = record;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RemediationRecord>> ListAsync(string ruleName, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RemediationRecord>>(
            [.. _records.Values.Where(r => r.RuleName == ruleName && r.FinishedAt >= since).OrderBy(r => r.FinishedAt)]);
}
