namespace Remediator.Sagas.Effectiveness;

/// <summary>Where finished runs are recorded for the effectiveness figures; the engine's is a database table shared by its replicas.</summary>
public interface IRemediationHistory
{
    /// <summary>Records (or, for a run recorded before, replaces) the run's ending: a redelivered message records nothing twice.</summary>
    Task RecordAsync(RemediationRecord record, CancellationToken cancellationToken);

    /// <summary>The rule's runs that finished at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<RemediationRecord>> ListAsync(string ruleName, DateTimeOffset since, CancellationToken cancellationToken);
}
