using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Persistence.Migrations;

namespace Remediator.Persistence.Tests;

/// <summary>A SQLite file of the test's own in a temporary directory, deleted afterwards.</summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-persistence-");

    public SqliteDatabase()
    {
        Options = new PersistenceOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_directory.FullName, "state", "remediator.db")}",
        };
    }

    public PersistenceOptions Options { get; }

    public string DirectoryPath => _directory.FullName;

    /// <summary>A new factory, as a new engine process would make.</summary>
    public DatabaseConnectionFactory CreateFactory() => new(Microsoft.Extensions.Options.Options.Create(Options));

    public static DatabaseMigrator Migrator(IDatabaseConnectionFactory factory, params IDatabaseMigration[] migrations) =>
        new(factory, migrations, TimeProvider.System, NullLogger<DatabaseMigrator>.Instance);

    public void Dispose()
    {
        // SQLite keeps pooled handles open; they must go before the file can be deleted.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
