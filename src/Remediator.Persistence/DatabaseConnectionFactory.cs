using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Remediator.Persistence;

/// <summary>
/// Connections for the configured provider: an <see cref="NpgsqlDataSource"/> (pooled) for
/// PostgreSQL, a file for SQLite whose directory is created on first use.
/// </summary>
public sealed class DatabaseConnectionFactory : IDatabaseConnectionFactory, IAsyncDisposable, IDisposable
{
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
            _postgres = NpgsqlDataSource.Create(settings.EffectiveConnectionString);
        }
        else
        {
            Dialect = SqliteDialect.Instance;
            var builder = new SqliteConnectionStringBuilder(settings.EffectiveConnectionString);
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            _sqlite = builder.ConnectionString;
        }
    }

    public SqlDialect Dialect { get; }

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
