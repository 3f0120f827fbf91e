using System.Data.Common;
using Npgsql;

namespace Remediator.Scheduling.Storage;

/// <summary>
/// Timers in PostgreSQL. The claim locks the due rows it takes with <c>FOR UPDATE SKIP LOCKED</c>, so
/// dispatchers in several engine processes share the work without ever taking the same timer.
/// </summary>
public sealed class PostgresScheduledMessageStore(string connectionString) : SqlScheduledMessageStore
{
    /// <summary>Serializes schema creation between processes starting together (CREATE ... IF NOT EXISTS races otherwise).</summary>
    private const long SchemaLockKey = 0x52454D5343484544; // "REMSCHED"

    protected override string ClaimSql => $"""
        UPDATE {Table} SET claim_id = @claim_id, lease_until = @lease_until
        WHERE token_id IN (
            SELECT token_id FROM {Table}
            WHERE due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
            ORDER BY due_at LIMIT @max_count
            FOR UPDATE SKIP LOCKED)
        RETURNING {Columns}
        """;

    protected override DbConnection CreateConnection() => new NpgsqlConnection(connectionString);

    protected override async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT pg_advisory_xact_lock({SchemaLockKey});
            CREATE TABLE IF NOT EXISTS {Table} (
                token_id uuid NOT NULL PRIMARY KEY,
                destination text NOT NULL,
                due_at timestamptz NOT NULL,
                content_type text NOT NULL,
                body text NOT NULL,
                message_id uuid NULL,
                correlation_id uuid NULL,
                conversation_id uuid NULL,
                initiator_id uuid NULL,
                source_address text NULL,
                headers text NOT NULL,
                claim_id uuid NULL,
                lease_until timestamptz NULL);
            CREATE INDEX IF NOT EXISTS ix_{Table}_due_at ON {Table} (due_at);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    protected override object ToDb(DateTimeOffset value) => value.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    protected override object ToDb(Guid value) => value;

    protected override Guid ReadId(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetGuid(ordinal);
    }
}
