using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Remediator.Persistence.Transactions;

namespace Remediator.Persistence;

/// <summary>
/// Connections for the configured provider: an <see cref="NpgsqlDataSource"/> (pooled) for
/// PostgreSQL, a file for SQLite, created owner-only with its directory (<see cref="OwnerOnlyFiles"/>).
/// </summary>
public sealed class DatabaseConnectionFactory : IDatabaseConnectionFactory, IAsyncDisposable, IDisposable
{
    /// <summary>The files SQLite keeps beside a database: rollback journal, write-ahead log, shared memory.</summary>
    private static readonly string[] _sqliteCompanionSuffixes = ["-journal", "-wal", "-shm"];

    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqlite;

    static DatabaseConnectionFactory()
    {
        // Microsoft.Data.Sqlite.Core needs the native SQLite provider chosen once per process.
        SQLitePCL.Batteries_V2.Init();
    }

    public DatabaseConnectionFactory(IOptions<PersistenceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            Dialect = PostgresDialect.Instance;
            _postgres = NpgsqlDataSource.Create(WithEngineDefaults(settings.EffectiveConnectionString));
        }
        else
        {
            Dialect = SqliteDialect.Instance;
            var builder = new SqliteConnectionStringBuilder(settings.EffectiveConnectionString);
            var file = Path.GetFullPath(builder.DataSource);
            var directory = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(directory))
            {
                OwnerOnlyFiles.CreateDirectory(directory);
            }

            // The database holds step outputs and alert labels: owner-only, whether this start
            // creates it or an older engine left it at the umask's 0644. SQLite gives its journal
            // and WAL files the database's mode when it creates them; ones left over are tightened too.
            OwnerOnlyFiles.CreateOrRestrict(file);
            foreach (var suffix in _sqliteCompanionSuffixes)
            {
                OwnerOnlyFiles.Restrict(file + suffix);
            }

            _sqlite = builder.ConnectionString;
        }
    }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// The engine runs a few dozen short statements over and over (claims, guards, saga rows), so
    /// unless the connection string says otherwise it lets Npgsql prepare them once per connection
    /// (<c>Max Auto Prepare</c>), and does not reset pooled connections (<c>No Reset On Close</c>):
    /// the engine keeps no session state, and the reset would drop the prepared statements.
    /// Behind a PgBouncer in transaction mode, set <c>Max Auto Prepare=0</c>.
    /// </summary>
    public static string WithEngineDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqlite);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DatabaseConnection> ConnectAsync(CancellationToken cancellationToken = default) =>
        DatabaseUnitOfWork.Current is { } unit
            ? unit.Lease()
            : new DatabaseConnection(await OpenConnectionAsync(cancellationToken), joined: null, owned: true);

    public async Task<T> InUnitOfWorkAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        await DatabaseUnitOfWork.RunAsync(await OpenConnectionAsync(cancellationToken), work, cancellationToken);

    public DbConnection OpenConnection()
    {
        if (_postgres is not null)
        {
            return _postgres.OpenConnection();
        }

        var connection = new SqliteConnection(_sqlite);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => _postgres?.Dispose();
}
