using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Retention;
using Remediator.Persistence.Transactions;

namespace Remediator.Scheduling.Storage;

/// <summary>
/// Timers in the engine's database (<c>Remediator:Persistence</c>: SQLite or PostgreSQL), shared by every
/// engine process on it. A claim is one UPDATE: PostgreSQL picks the rows <c>FOR UPDATE SKIP LOCKED</c>, so
/// concurrent dispatchers take disjoint rows; SQLite has a single writer, which makes the UPDATE atomic.
/// </summary>
public sealed class DatabaseScheduledMessageStore(IDatabaseConnectionFactory database) : IScheduledMessageStore
{
    /// <summary>The table; ids are text so one schema serves both databases.</summary>
    public static readonly IDatabaseMigration Migration = new SqlMigration("scheduler-0001-scheduled-messages", dialect =>
    [
        $"""
        CREATE TABLE scheduled_messages (
            token_id text PRIMARY KEY,
            destination text NOT NULL,
            due_at {dialect.TimestampType} NOT NULL,
            content_type text NOT NULL,
            body text NOT NULL,
            message_id text NULL,
            correlation_id text NULL,
            conversation_id text NULL,
            initiator_id text NULL,
            source_address text NULL,
            headers text NOT NULL,
            claim_id text NULL,
            lease_until {dialect.TimestampType} NULL)
        """,
        "CREATE INDEX ix_scheduled_messages_due_at ON scheduled_messages (due_at)",
    ]);

    /// <summary>
    /// The outbox's additions: the receipts a row waits for, its message id looked up by consumers,
    /// and the inbox of (message, consumer) pairs already handled.
    /// </summary>
    public static readonly IDatabaseMigration OutboxMigration = new SqlMigration("scheduler-0002-outbox-inbox", dialect =>
    [
        "ALTER TABLE scheduled_messages ADD COLUMN receipts_pending integer NOT NULL DEFAULT 0",
        "CREATE INDEX ix_scheduled_messages_message_id ON scheduled_messages (message_id)",
        $"""
        CREATE TABLE consumed_messages (
            message_id text NOT NULL,
            consumer text NOT NULL,
            consumed_at {dialect.TimestampType} NOT NULL,
            PRIMARY KEY (message_id, consumer))
        """,
        "CREATE INDEX ix_consumed_messages_consumed_at ON consumed_messages (consumed_at)",
    ]);

    /// <summary>
    /// The poll's index: a row can be claimed once <c>coalesce(lease_until, due_at)</c> has passed (a
    /// lease is only ever set on a due row and ends after its due time, so this is "due and not held").
    /// Without it, a table full of claimed rows (a storm's handed-over messages) made every poll read
    /// the whole table (EXPLAIN at 10,000 rows: a sequential scan of 10,050 rows against an index scan
    /// reading none).
    /// </summary>
    public static readonly IDatabaseMigration AvailableAtMigration = new SqlMigration("scheduler-0003-available-at", _ =>
    [
        $"CREATE INDEX ix_scheduled_messages_available_at ON scheduled_messages (({AvailableAt}))",
    ]);

    /// <summary>When a row can next be claimed (see <see cref="AvailableAtMigration"/>); the poll's query and index share it.</summary>
    private const string AvailableAt = "coalesce(lease_until, due_at)";

    /// <summary>The inbox's record of handled messages goes after the retention period.</summary>
    public static readonly RetentionRule InboxRetention = new("consumed_messages", "consumed_at");

    /// <summary>The lease of a row sent but held for receipts: it is never due again while this process lives.</summary>
    private static readonly DateTimeOffset _heldUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Columns =
        "token_id, destination, due_at, content_type, body, message_id, correlation_id, conversation_id, initiator_id, source_address, headers";

    private const string ReadColumns = $"{Columns}, receipts_pending";

    /// <summary>Completing a sent row that waits for no receipt: it is gone.</summary>
    private const string DeleteStatement = "DELETE FROM scheduled_messages";

    /// <summary>Completing a sent row that waits for receipts: held until its consumers acknowledged it.</summary>
    private const string HoldStatement = "UPDATE scheduled_messages SET lease_until = @held";

    /// <summary>The most rows one completing or releasing statement names (two parameters each).</summary>
    private const int RowsPerStatement = 500;

    // Rescheduling under the same token replaces the timer and drops any claim on the old one (or
    // takes the new claim, for a message handed over to this process's dispatcher).
    private const string ScheduleSql = $"""
        INSERT INTO scheduled_messages ({Columns}, receipts_pending, claim_id, lease_until)
        VALUES (@token_id, @destination, @due_at, @content_type, @body, @message_id, @correlation_id, @conversation_id, @initiator_id, @source_address, @headers, @receipts_pending, @claim_id, @lease_until)
        ON CONFLICT (token_id) DO UPDATE SET
            destination = excluded.destination, due_at = excluded.due_at, content_type = excluded.content_type,
            body = excluded.body, message_id = excluded.message_id, correlation_id = excluded.correlation_id,
            conversation_id = excluded.conversation_id, initiator_id = excluded.initiator_id,
            source_address = excluded.source_address, headers = excluded.headers, receipts_pending = excluded.receipts_pending,
            claim_id = excluded.claim_id, lease_until = excluded.lease_until
        """;

    public Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken) =>
        InsertAsync(message, claimId: null, leaseUntil: null, cancellationToken);

    public Task ScheduleClaimedAsync(ScheduledMessageRecord message, Guid claimId, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        InsertAsync(message, claimId, leaseUntil, cancellationToken);

    private async Task InsertAsync(ScheduledMessageRecord message, Guid? claimId, DateTimeOffset? leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var identity = message.Identity;
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(ScheduleSql)
            .AddParameter("@token_id", Text(message.TokenId))
            .AddParameter("@destination", message.Destination.ToString())
            .AddParameter("@due_at", database.Dialect.ToTimestamp(message.DueAt))
            .AddParameter("@content_type", message.ContentType)
            .AddParameter("@body", message.Body)
            .AddParameter("@message_id", Text(identity.MessageId))
            .AddParameter("@correlation_id", Text(identity.CorrelationId))
            .AddParameter("@conversation_id", Text(identity.ConversationId))
            .AddParameter("@initiator_id", Text(identity.InitiatorId))
            .AddParameter("@source_address", identity.SourceAddress?.ToString())
            .AddParameter("@headers", JsonSerializer.Serialize(message.Headers))
            .AddParameter("@receipts_pending", message.ReceiptsPending)
            .AddParameter("@claim_id", Text(claimId))
            .AddParameter("@lease_until", leaseUntil is { } until ? database.Dialect.ToTimestamp(until) : null);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> ExistsAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT 1 FROM scheduled_messages WHERE token_id = @token_id")
            .AddParameter("@token_id", Text(tokenId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("DELETE FROM scheduled_messages WHERE token_id = @token_id")
            .AddParameter("@token_id", Text(tokenId));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<ClaimedScheduledMessage>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int maxCount, CancellationToken cancellationToken)
    {
        var skipLocked = database.Dialect.Provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : string.Empty;
        var sql = $"""
            UPDATE scheduled_messages SET claim_id = @claim_id, lease_until = @lease_until
            WHERE token_id IN (
                SELECT token_id FROM scheduled_messages
                WHERE {AvailableAt} <= @now
                ORDER BY {AvailableAt} LIMIT @max_count{skipLocked})
            RETURNING {ReadColumns}
            """;
        var claimId = Guid.NewGuid();
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(sql)
            .AddParameter("@claim_id", Text(claimId))
            .AddParameter("@now", database.Dialect.ToTimestamp(now))
            .AddParameter("@lease_until", database.Dialect.ToTimestamp(now + lease))
            .AddParameter("@max_count", maxCount);
        var claimed = new List<ClaimedScheduledMessage>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedScheduledMessage(Read(reader), claimId));
            }
        }

        // RETURNING gives no order; due order is what the dispatcher promises.
        return [.. claimed.OrderBy(message => message.Message.DueAt)];
    }

    public async Task CompleteAsync(IReadOnlyCollection<ClaimedScheduledMessage> sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        await ExecuteForClaimsAsync(DeleteStatement, [.. sent.Where(claimed => claimed.Message.ReceiptsPending == 0)], cancellationToken);

        // Consumers may have acknowledged one already (then its row is gone); otherwise it waits for them.
        await ExecuteForClaimsAsync(HoldStatement, [.. sent.Where(claimed => claimed.Message.ReceiptsPending > 0)], cancellationToken, Held());
    }

    public async Task<IReadOnlyCollection<ClaimedScheduledMessage>> CompleteUnlockedAsync(IReadOnlyCollection<ClaimedScheduledMessage> sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);

        // SQLite has no row locks: a transaction that writes holds the whole database, so no other one
        // can hold a row locked while this runs.
        if (database.Dialect.Provider != DatabaseProvider.Postgres)
        {
            await CompleteAsync(sent, cancellationToken);
            return [];
        }

        var skipped = await ExecuteForUnlockedClaimsAsync(DeleteStatement, [.. sent.Where(claimed => claimed.Message.ReceiptsPending == 0)], cancellationToken);
        var skippedHeld = await ExecuteForUnlockedClaimsAsync(HoldStatement, [.. sent.Where(claimed => claimed.Message.ReceiptsPending > 0)], cancellationToken, Held());
        return [.. skipped, .. skippedHeld];
    }

    public async Task<bool> IsConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT 1 FROM consumed_messages WHERE message_id = @message_id AND consumer = @consumer")
            .AddParameter("@message_id", Text(messageId))
            .AddParameter("@consumer", consumer);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<bool> AcknowledgeAsync(Guid messageId, string consumer, DateTimeOffset now, bool countReceipt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using (var inbox = connection.CreateCommand(
            "INSERT INTO consumed_messages (message_id, consumer, consumed_at) VALUES (@message_id, @consumer, @now) ON CONFLICT (message_id, consumer) DO NOTHING")
            .AddParameter("@message_id", Text(messageId))
            .AddParameter("@consumer", consumer)
            .AddParameter("@now", database.Dialect.ToTimestamp(now)))
        {
            if (await inbox.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        // On a durable broker the row went once the broker confirmed it: nothing to count.
        if (!countReceipt)
        {
            return true;
        }

        // Only a row that was sent (claimed) counts receipts; the last one deletes it.
        await using (var delete = connection.CreateCommand(
            "DELETE FROM scheduled_messages WHERE message_id = @message_id AND claim_id IS NOT NULL AND receipts_pending <= 1")
            .AddParameter("@message_id", Text(messageId)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var count = connection.CreateCommand(
            "UPDATE scheduled_messages SET receipts_pending = receipts_pending - 1 WHERE message_id = @message_id AND claim_id IS NOT NULL AND receipts_pending > 1")
            .AddParameter("@message_id", Text(messageId));
        await count.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public async Task<int> CountDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        // Bounded: the webhook asks on every notification, and only whether the limit is passed. The
        // ORDER BY makes PostgreSQL count in the due_at index (an index-only scan) instead of reading
        // the rows' bodies in a sequential scan once most rows are due (EXPLAIN at 10,000 rows).
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT count(*) FROM (SELECT 1 FROM scheduled_messages WHERE due_at <= @now ORDER BY due_at LIMIT @limit) AS due")
            .AddParameter("@now", database.Dialect.ToTimestamp(now))
            .AddParameter("@limit", limit);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<int> ReleaseHeldAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "UPDATE scheduled_messages SET claim_id = NULL, lease_until = NULL WHERE claim_id IS NOT NULL");
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task ReleaseAsync(IReadOnlyCollection<ClaimedScheduledMessage> claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        return ExecuteForClaimsAsync("UPDATE scheduled_messages SET claim_id = NULL, lease_until = NULL", claimed, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="statement"/> (a DELETE or UPDATE without WHERE) on the rows of <paramref name="claimed"/>
    /// still held under their claims, one statement for up to <see cref="RowsPerStatement"/> rows. A row
    /// value list (<c>(token_id, claim_id) IN (VALUES ...)</c>) is understood by PostgreSQL and SQLite alike.
    /// </summary>
    private async Task ExecuteForClaimsAsync(string statement, IReadOnlyCollection<ClaimedScheduledMessage> claimed, CancellationToken cancellationToken, params (string Name, object Value)[] more)
    {
        if (claimed.Count == 0)
        {
            return;
        }

        await using var connection = await database.ConnectAsync(cancellationToken);
        foreach (var chunk in claimed.Chunk(RowsPerStatement))
        {
            var rows = string.Join(", ", chunk.Select((_, index) => $"(@t{index}, @c{index})"));
            await using var command = connection.CreateCommand($"{statement} WHERE (token_id, claim_id) IN (VALUES {rows})");
            AddClaims(command, chunk, more);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// PostgreSQL only: runs <paramref name="statement"/> as <see cref="ExecuteForClaimsAsync"/> does, but on
    /// the rows it can lock at once (<c>FOR UPDATE SKIP LOCKED</c>), and returns the rows it skipped: still
    /// held under their claims (as this transaction's snapshot sees them) but locked by another transaction.
    /// </summary>
    private async Task<IReadOnlyCollection<ClaimedScheduledMessage>> ExecuteForUnlockedClaimsAsync(string statement, IReadOnlyCollection<ClaimedScheduledMessage> claimed, CancellationToken cancellationToken, params (string Name, object Value)[] more)
    {
        if (claimed.Count == 0)
        {
            return [];
        }

        var skipped = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.ConnectAsync(cancellationToken);
        foreach (var chunk in claimed.Chunk(RowsPerStatement))
        {
            // The parts of one WITH share a snapshot, in which the rows done here are still seen.
            var rows = string.Join(", ", chunk.Select((_, index) => $"(@t{index}, @c{index})"));
            await using var command = connection.CreateCommand($"""
                WITH wanted (token_id, claim_id) AS (VALUES {rows}),
                unlocked AS (
                    SELECT s.token_id FROM scheduled_messages s
                    JOIN wanted w ON s.token_id = w.token_id AND s.claim_id = w.claim_id
                    FOR UPDATE OF s SKIP LOCKED),
                done AS ({statement} WHERE token_id IN (SELECT token_id FROM unlocked) RETURNING token_id)
                SELECT s.token_id FROM scheduled_messages s
                JOIN wanted w ON s.token_id = w.token_id AND s.claim_id = w.claim_id
                WHERE s.token_id NOT IN (SELECT token_id FROM done)
                """);
            AddClaims(command, chunk, more);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                skipped.Add(reader.GetString(0));
            }
        }

        return [.. claimed.Where(row => skipped.Contains(Text(row.Message.TokenId)))];
    }

    private static void AddClaims(DbCommand command, ClaimedScheduledMessage[] chunk, (string Name, object Value)[] more)
    {
        for (var index = 0; index < chunk.Length; index++)
        {
            command
                .AddParameter($"@t{index}", Text(chunk[index].Message.TokenId))
                .AddParameter($"@c{index}", Text(chunk[index].ClaimId));
        }

        foreach (var (name, value) in more)
        {
            command.AddParameter(name, value);
        }
    }

    private (string Name, object Value) Held() => ("@held", database.Dialect.ToTimestamp(_heldUntil));

    private ScheduledMessageRecord Read(DbDataReader reader)
    {
        Guid? OptionalId(int ordinal) => reader.IsDBNull(ordinal) ? null : Guid.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

        var identity = new ScheduledMessageIdentity(
            OptionalId(5),
            OptionalId(6),
            OptionalId(7),
            OptionalId(8),
            reader.IsDBNull(9) ? null : new Uri(reader.GetString(9)));
        return new ScheduledMessageRecord(
            Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
            new Uri(reader.GetString(1)),
            database.Dialect.ReadTimestamp(reader, 2),
            reader.GetString(3),
            reader.GetString(4),
            identity,
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(10)) ?? [],
            reader.GetInt32(11));
    }

    private static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    private static string? Text(Guid? id) => id?.ToString("D", CultureInfo.InvariantCulture);
}
