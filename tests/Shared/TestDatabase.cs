using Microsoft.Data.Sqlite;
using Remediator.Persistence;

namespace Remediator.Tests.Shared;

/// <summary>
/// A fresh, empty database of a test's own, SQLite or PostgreSQL: what a store's contract runs on,
/// so each provider's test class only says which one. Disposing it drops it.
/// </summary>
internal sealed class TestDatabase(PersistenceOptions options, Func<ValueTask> drop) : IAsyncDisposable
{
    public PersistenceOptions Options { get; } = options;

    /// <summary>A SQLite file of its own in a temporary directory, deleted with it.</summary>
    public static Task<TestDatabase> SqliteAsync()
    {
        var directory = Directory.CreateTempSubdirectory("remediator-contract-");
        var options = new PersistenceOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory.FullName, "remediator.db")}" };
        return Task.FromResult(new TestDatabase(options, () =>
        {
            // Pooled SQLite handles keep the file open until cleared.
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
            return ValueTask.CompletedTask;
        }));
    }

    public ValueTask DisposeAsync() => drop();
}
