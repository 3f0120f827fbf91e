using Microsoft.Data.Sqlite;
using Remediator.Persistence;

namespace Remediator.Escalation.Tests.Reconciliation;

/// <summary>The escalation's repair on a SQLite file of the test's own.</summary>
public sealed class SqliteEscalationReconcilerTests : EscalationReconcilerContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"remediator-escalation-reconciler-{Guid.NewGuid():N}.db");

    protected override Task<PersistenceOptions> CreateDatabaseAsync() =>
        Task.FromResult(new PersistenceOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={_path}" });

    protected override Task DropDatabaseAsync()
    {
        // Pooled SQLite handles keep the file open until cleared.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, $"{_path}-wal", $"{_path}-shm", $"{_path}-journal" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }
}
