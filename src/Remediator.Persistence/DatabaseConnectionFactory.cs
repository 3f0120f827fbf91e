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
    private readonly DatabaseMetrics? _metrics;

    static DatabaseConnectionFactory()
    {
        // Microsoft.Data.Sqlite.Core needs the native SQLite provider chosen once per process.
        SQLitePCL.Batteries_V2.Init();
    }

    /// <param name="options">The provider and connection string.</param>
    /// <param name="metrics">Where the stores' statements and commits are counted; none counted when null.</param>
    public DatabaseConnectionFactory(IOptions<PersistenceOptions> options, DatabaseMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
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
    /// When every host is this machine (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>::1</c>) and the
    /// connection string does not set <c>SSL Mode</c>, TLS is off (<c>SSL Mode=Disable</c>): the
    /// traffic never leaves the machine, and with Npgsql's default (<c>Prefer</c>) a server that
    /// offers TLS would have every statement encrypted and decrypted for nothing (3-5 % of the
    /// engine's CPU measured under load). Any other host keeps Npgsql's default.
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

        if (!given.ContainsKey("SSL Mode") && !given.ContainsKey("SslMode") && IsLoopbackOnly(builder.Host))
        {
            builder.SslMode = SslMode.Disable;
        }

        return builder.ConnectionString;
    }

    /// <summary>Whether every host of a <c>Host</c> list (<c>a,b:5433</c>) is this machine; a Unix socket directory uses no TLS anyway.</summary>
    internal static bool IsLoopbackOnly(string? hosts)
    {
        if (string.IsNullOrWhiteSpace(hosts))
        {
            return false;
        }

        foreach (var entry in hosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var host = entry;

            // Strip a port: "[::1]:5433", "127.0.0.1:5433" (a bare IPv6 address has several colons).
            if (host.StartsWith('[') && host.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
            {
                host = host[1..close];
            }
            else if (host.Count(c => c == ':') == 1)
            {
                host = host[..host.IndexOf(':', StringComparison.Ordinal)];
            }

            var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
            if (!loopback)
            {
                return false;
            }
        }

        return true;
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
            : new DatabaseConnection(await OpenConnectionAsync(cancellationToken), joined: null, owned: true, _metrics);

    public async Task<T> InUnitOfWorkAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        await DatabaseUnitOfWork.RunAsync(await OpenConnectionAsync(cancellationToken), _metrics, work, cancellationToken);

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
