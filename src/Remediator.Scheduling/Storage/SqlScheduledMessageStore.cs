using System.Data.Common;
using System.Text.Json;

namespace Remediator.Scheduling.Storage;

/// <summary>
/// Timers in a SQL table (<c>remediator_scheduled_messages</c>), shared by every engine process on the
/// database. The schema is created on first use. Dialects supply the connection, the schema, the atomic
/// claim and how ids and times are stored.
/// </summary>
public abstract class SqlScheduledMessageStore : IScheduledMessageStore
{
    protected const string Table = "remediator_scheduled_messages";

    protected const string Columns =
        "token_id, destination, due_at, content_type, body, message_id, correlation_id, conversation_id, initiator_id, source_address, headers";

    private readonly Lock _schemaGate = new();
    private Task? _schemaCreation;

    /// <summary>Creates the table and its index if missing; safe when several processes start together.</summary>
    protected abstract Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    protected abstract DbConnection CreateConnection();

    /// <summary>
    /// One atomic statement (or batch) marking up to <c>@max_count</c> due, unleased rows with <c>@claim_id</c>
    /// and <c>@lease_until</c>, whose result set is the claimed rows' <see cref="Columns"/>.
    /// </summary>
    protected abstract string ClaimSql { get; }

    protected abstract object ToDb(DateTimeOffset value);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    protected abstract object ToDb(Guid value);

    protected abstract Guid ReadId(DbDataReader reader, int ordinal);

    public async Task ScheduleAsync(ScheduledMessageRecord message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Rescheduling under the same token replaces the timer and drops any claim on the old one.
        command.CommandText = $"""
            INSERT INTO {Table} ({Columns}, claim_id, lease_until)
            VALUES (@token_id, @destination, @due_at, @content_type, @body, @message_id, @correlation_id, @conversation_id, @initiator_id, @source_address, @headers, NULL, NULL)
            ON CONFLICT (token_id) DO UPDATE SET
                destination = excluded.destination, due_at = excluded.due_at, content_type = excluded.content_type,
                body = excluded.body, message_id = excluded.message_id, correlation_id = excluded.correlation_id,
                conversation_id = excluded.conversation_id, initiator_id = excluded.initiator_id,
                source_address = excluded.source_address, headers = excluded.headers, claim_id = NULL, lease_until = NULL
            """;
        var identity = message.Identity;
        Add(command, "token_id", ToDb(message.TokenId));
        Add(command, "destination", message.Destination.ToString());
        Add(command, "due_at", ToDb(message.DueAt));
        Add(command, "content_type", message.ContentType);
        Add(command, "body", message.Body);
        Add(command, "message_id", identity.MessageId is { } messageId ? ToDb(messageId) : null);
        Add(command, "correlation_id", identity.CorrelationId is { } correlationId ? ToDb(correlationId) : null);
        Add(command, "conversation_id", identity.ConversationId is { } conversationId ? ToDb(conversationId) : null);
        Add(command, "initiator_id", identity.InitiatorId is { } initiatorId ? ToDb(initiatorId) : null);
        Add(command, "source_address", identity.SourceAddress?.ToString());
        Add(command, "headers", JsonSerializer.Serialize(message.Headers));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {Table} WHERE token_id = @token_id";
        Add(command, "token_id", ToDb(tokenId));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<ClaimedScheduledMessage>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int maxCount, CancellationToken cancellationToken)
    {
        var claimId = Guid.NewGuid();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ClaimSql;
        Add(command, "claim_id", ToDb(claimId));
        Add(command, "now", ToDb(now));
        Add(command, "lease_until", ToDb(now + lease));
        Add(command, "max_count", maxCount);
        var claimed = new List<ClaimedScheduledMessage>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedScheduledMessage(Read(reader), claimId));
            }
        }

        return [.. claimed.OrderBy(message => message.Message.DueAt)];
    }

    public async Task CompleteAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        await ExecuteForClaimAsync($"DELETE FROM {Table} WHERE token_id = @token_id AND claim_id = @claim_id", claimed, cancellationToken);
    }

    public async Task ReleaseAsync(ClaimedScheduledMessage claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        await ExecuteForClaimAsync(
            $"UPDATE {Table} SET claim_id = NULL, lease_until = NULL WHERE token_id = @token_id AND claim_id = @claim_id",
            claimed,
            cancellationToken);
    }

    private async Task ExecuteForClaimAsync(string sql, ClaimedScheduledMessage claimed, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Add(command, "token_id", ToDb(claimed.Message.TokenId));
        Add(command, "claim_id", ToDb(claimed.ClaimId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        var connection = CreateConnection();
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

    /// <summary>
    /// Creates the schema once per store; a failed attempt (database unreachable) is retried by the
    /// next caller. It runs uncancelled because every caller shares it.
    /// </summary>
    private Task EnsureSchemaAsync()
    {
        lock (_schemaGate)
        {
            if (_schemaCreation is null || _schemaCreation.IsFaulted || _schemaCreation.IsCanceled)
            {
                _schemaCreation = CreateSchemaOnNewConnectionAsync();
            }

            return _schemaCreation;
        }
    }

    private async Task CreateSchemaOnNewConnectionAsync()
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(CancellationToken.None);
        await CreateSchemaAsync(connection, CancellationToken.None);
    }

    private ScheduledMessageRecord Read(DbDataReader reader)
    {
        Guid? OptionalId(int ordinal) => reader.IsDBNull(ordinal) ? null : ReadId(reader, ordinal);

        var identity = new ScheduledMessageIdentity(
            OptionalId(5),
            OptionalId(6),
            OptionalId(7),
            OptionalId(8),
            reader.IsDBNull(9) ? null : new Uri(reader.GetString(9)));
        return new ScheduledMessageRecord(
            ReadId(reader, 0),
            new Uri(reader.GetString(1)),
            ReadTime(reader, 2),
            reader.GetString(3),
            reader.GetString(4),
            identity,
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(10)) ?? []);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
