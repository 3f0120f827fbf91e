using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Remediator.Scheduling.Storage;

/// <summary>
/// Timers in SQLite, the embedded default. SQLite runs one writer at a time, so the claiming UPDATE is
/// atomic across processes sharing the file; times are Unix milliseconds, ids text.
/// </summary>
public sealed class SqliteScheduledMessageStore(string connectionString) : SqlScheduledMessageStore
{
    protected override string ClaimSql => $"""
        UPDATE {Table} SET claim_id = @claim_id, lease_until = @lease_until
        WHERE token_id IN (
            SELECT token_id FROM {Table}
            WHERE due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
            ORDER BY due_at LIMIT @max_count);
        SELECT {Columns} FROM {Table} WHERE claim_id = @claim_id;
        """;

    protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    protected override async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS {Table} (
                token_id TEXT NOT NULL PRIMARY KEY,
                destination TEXT NOT NULL,
                due_at INTEGER NOT NULL,
                content_type TEXT NOT NULL,
                body TEXT NOT NULL,
                message_id TEXT NULL,
                correlation_id TEXT NULL,
                conversation_id TEXT NULL,
                initiator_id TEXT NULL,
                source_address TEXT NULL,
                headers TEXT NOT NULL,
                claim_id TEXT NULL,
                lease_until INTEGER NULL);
            CREATE INDEX IF NOT EXISTS ix_{Table}_due_at ON {Table} (due_at);
            CREATE INDEX IF NOT EXISTS ix_{Table}_claim_id ON {Table} (claim_id);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override object ToDb(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }

    protected override object ToDb(Guid value) => value.ToString("D", CultureInfo.InvariantCulture);

    protected override Guid ReadId(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Guid.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);
    }
}
