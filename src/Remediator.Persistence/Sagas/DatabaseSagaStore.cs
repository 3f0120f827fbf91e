using System.Data.Common;
using System.Text;
using System.Text.Json;
using MassTransit;
using Remediator.Persistence.Transactions;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// The table behind one saga type: rows of (correlation id, version, indexed columns, JSON). Every
/// write is a single statement guarded by the version read before it (optimistic concurrency),
/// so no transaction or lock is held while the saga handles a message. Also the read side for
/// the API: <see cref="GetAsync"/> and <see cref="ListAsync"/>.
/// </summary>
public sealed class DatabaseSagaStore<TSaga>(IDatabaseConnectionFactory database, SagaTableMapping<TSaga> mapping, TimeProvider timeProvider)
    where TSaga : class, ISaga
{
    private const string Columns = "correlation_id, version, saga_state, saga_key, saga_group, created_at, updated_at, data, saga_lookup";

    private readonly string _table = mapping.TableName;

    /// <summary>The instance and its version, or null.</summary>
    public async Task<StoredSaga<TSaga>?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand($"SELECT {Columns} FROM {_table} WHERE correlation_id = @id")
            .AddParameter("@id", Id(correlationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>A page of instances matching <paramref name="query"/>, newest first.</summary>
    public async Task<SagaPage<TSaga>> ListAsync(SagaListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, SagaListQuery.MaxLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);

        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var select = connection.CreateCommand(string.Empty);
        select.CommandText = $"SELECT {Columns} FROM {_table}{Where(select, query)} ORDER BY created_at DESC, correlation_id LIMIT @limit OFFSET @offset";
        select.AddParameter("@limit", query.Limit).AddParameter("@offset", query.Offset);
        var items = new List<StoredSaga<TSaga>>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Read(reader));
        }

        return new SagaPage<TSaga>(items);
    }

    /// <summary>Inserts a new instance at version 1; false when one with its id exists already.</summary>
    internal async Task<bool> TryInsertAsync(TSaga instance, CancellationToken cancellationToken)
    {
        SetVersion(instance, 1);
        var now = database.Dialect.ToTimestamp(timeProvider.GetUtcNow());
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            $"""
            INSERT INTO {_table} ({Columns}) VALUES (@id, 1, @state, @key, @group, @now, @now, @data, @lookup)
            ON CONFLICT (correlation_id) DO NOTHING
            """);
        AddValues(command, instance).AddParameter("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The instance and its version, or null; the version guards the next write.</summary>
    internal async Task<(TSaga Instance, long Version)?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand($"SELECT version, data FROM {_table} WHERE correlation_id = @id")
            .AddParameter("@id", Id(correlationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Deserialize(reader.GetString(1)), reader.GetInt64(0)) : null;
    }

    /// <summary>Writes the instance as version <paramref name="expectedVersion"/> + 1; false when someone else wrote it since.</summary>
    internal async Task<bool> TryUpdateAsync(TSaga instance, long expectedVersion, CancellationToken cancellationToken)
    {
        SetVersion(instance, expectedVersion + 1);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            $"""
            UPDATE {_table} SET version = version + 1, saga_state = @state, saga_key = @key, saga_group = @group, saga_lookup = @lookup, updated_at = @now, data = @data
            WHERE correlation_id = @id AND version = @expected
            """);
        AddValues(command, instance)
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()))
            .AddParameter("@expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Claims the instance for a change made beside the saga (a repair of the reconciler): moves it
    /// to the next version if it is still at <paramref name="expectedVersion"/>, else false (the
    /// saga or another engine changed it since). Inside a unit of work the row stays locked until it
    /// commits, so of two engines claiming one version exactly one succeeds, and the saga's next
    /// write re-reads the instance.
    /// </summary>
    public async Task<bool> TryClaimAsync(Guid correlationId, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand($"UPDATE {_table} SET version = version + 1, updated_at = @now WHERE correlation_id = @id AND version = @expected")
            .AddParameter("@id", Id(correlationId))
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()))
            .AddParameter("@expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes the instance if it is still at <paramref name="expectedVersion"/>.</summary>
    internal async Task<bool> TryDeleteAsync(Guid correlationId, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand($"DELETE FROM {_table} WHERE correlation_id = @id AND version = @expected")
            .AddParameter("@id", Id(correlationId))
            .AddParameter("@expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// The ids of the instances <paramref name="query"/> selects, read by the indexed lookup column
    /// (<see cref="SagaTableMapping{TSaga}.Lookup"/>). A query on anything else is refused rather
    /// than answered by reading and testing every instance, whose cost would grow with history.
    /// </summary>
    internal async Task<List<Guid>> FindAsync(ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (mapping.Lookup is not { } lookup || !lookup.TryMatch(query.FilterExpression, out var value))
        {
            throw new NotSupportedException(
                $"{typeof(TSaga).Name} was correlated by the query {query.FilterExpression}, which {_table} cannot answer by key: " +
                "correlate the event by id, or by the property the saga table's mapping names as its Lookup.");
        }

        var ids = new List<Guid>();
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = value is null
            ? connection.CreateCommand($"SELECT correlation_id FROM {_table} WHERE saga_lookup IS NULL")
            : connection.CreateCommand($"SELECT correlation_id FROM {_table} WHERE saga_lookup = @lookup").AddParameter("@lookup", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }

        return ids;
    }

    // Sagas that carry their version (MassTransit's ISagaVersion) store the one they are written as.
    internal static void SetVersion(TSaga instance, long version)
    {
        if (instance is ISagaVersion versioned)
        {
            versioned.Version = checked((int)version);
        }
    }

    private static string Id(Guid correlationId) => correlationId.ToString("D");

    private DbCommand AddValues(DbCommand command, TSaga instance) =>
        command
            .AddParameter("@id", Id(instance.CorrelationId))
            .AddParameter("@state", mapping.State(instance))
            .AddParameter("@key", mapping.Key(instance))
            .AddParameter("@group", mapping.Group(instance))
            .AddParameter("@lookup", mapping.Lookup?.ValueOf(instance))
            .AddParameter("@data", JsonSerializer.Serialize(instance, mapping.SerializerOptions));

    private string Where(DbCommand command, SagaListQuery query)
    {
        // Only the filters given become conditions: PostgreSQL cannot type a null parameter in
        // "@p IS NULL OR ...".
        var conditions = new StringBuilder();
        void Add(string condition, string parameter, object value)
        {
            conditions.Append(conditions.Length == 0 ? " WHERE " : " AND ").Append(condition);
            command.AddParameter(parameter, value);
        }

        if (query.State is not null)
        {
            Add("saga_state = @state", "@state", query.State);
        }

        if (query.Key is not null)
        {
            Add("saga_key = @key", "@key", query.Key);
        }

        if (query.Group is not null)
        {
            Add("saga_group = @group", "@group", query.Group);
        }

        if (query.CreatedSince is { } createdSince)
        {
            Add("created_at >= @createdSince", "@createdSince", database.Dialect.ToTimestamp(createdSince));
        }

        if (query.UpdatedSince is { } updatedSince)
        {
            Add("updated_at >= @updatedSince", "@updatedSince", database.Dialect.ToTimestamp(updatedSince));
        }

        return conditions.ToString();
    }

    private StoredSaga<TSaga> Read(DbDataReader reader) =>
        new(
            Deserialize(reader.GetString(7)),
            reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            database.Dialect.ReadTimestamp(reader, 5),
            database.Dialect.ReadTimestamp(reader, 6));

    private TSaga Deserialize(string json) =>
        JsonSerializer.Deserialize<TSaga>(json, mapping.SerializerOptions)
        ?? throw new InvalidOperationException($"A stored {typeof(TSaga).Name} in {_table} is JSON null.");
}
