using System.Data.Common;

namespace Remediator.Persistence;

public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect()
    {
    }

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    // Unix milliseconds: compares and indexes as a number, unlike SQLite's text dates.
    public override string TimestampType => "INTEGER";

    public override string BigIntType => "INTEGER";

    // Every write transaction here begins IMMEDIATE (Microsoft.Data.Sqlite's default), which takes
    // the database's write lock up front: row locks are neither needed nor available.
    public override string ForUpdate => string.Empty;

    public override string ForShare => string.Empty;

    public override string JsonText(string column, string name) => $"json_extract({column}, '$.{name}')";

    public override object ToTimestamp(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }

    internal override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers (the API) run while the engine writes; the setting is stored in the file.
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The migration transaction is BEGIN IMMEDIATE: a second process waits (busy timeout) until
    // the first one commits, then sees its migrations as applied.
    internal override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
