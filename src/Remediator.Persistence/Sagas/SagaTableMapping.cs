using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Retention;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// How one saga type is stored: its table, and the few values copied out of the instance into
/// indexed columns so that lists can be filtered and paged without deserialising every instance.
/// The instance itself is stored whole as JSON (System.Text.Json, <see cref="SerializerOptions"/>),
/// so it must round-trip: public settable properties, or a constructor the serializer can use.
/// </summary>
public sealed partial class SagaTableMapping<TSaga>
    where TSaga : class, ISaga
{
    private readonly string _tableName = string.Empty;

    /// <summary>Lower-case letters, digits and underscores, e.g. <c>remediation_sagas</c>; one table per saga type.</summary>
    public required string TableName
    {
        get => _tableName;
        init => _tableName = TableNamePattern().IsMatch(value)
            ? value
            : throw new ArgumentException($"Saga table name '{value}' must match {TableNamePattern()} (it is written into SQL).", nameof(value));
    }

    /// <summary>The instance's current state (column <c>saga_state</c>), e.g. <c>saga => saga.CurrentState</c>.</summary>
    public Func<TSaga, string?> State { get; init; } = _ => null;

    /// <summary>A lookup key (column <c>saga_key</c>), e.g. the remediation's target.</summary>
    public Func<TSaga, string?> Key { get; init; } = _ => null;

    /// <summary>A grouping value (column <c>saga_group</c>), e.g. the rule name.</summary>
    public Func<TSaga, string?> Group { get; init; } = _ => null;

    /// <summary>
    /// The property events correlate by other than the id (column <c>saga_lookup</c>, indexed), or
    /// none. A query-correlated event must compare this property with a value: any other query
    /// would read every row, and is refused.
    /// </summary>
    public SagaLookup<TSaga>? Lookup { get; init; }

    /// <summary>How instances are written as JSON. Default: <see cref="JsonSerializerDefaults.Web"/> (camelCase).</summary>
    public JsonSerializerOptions SerializerOptions { get; init; } = new(JsonSerializerDefaults.Web);

    /// <summary>Instances in one of <paramref name="finishedStates"/> that nothing has changed for the retention period may go.</summary>
    public RetentionRule Retention(IEnumerable<string> finishedStates) =>
        new(TableName, "updated_at", RetentionRule.In("saga_state", finishedStates));

    /// <summary>
    /// The table and its indexes, as migrations <c>saga-{table}-0001</c> and
    /// <c>saga-{table}-0002-lookup</c> (the lookup column, filled from the instances already stored).
    /// </summary>
    public IReadOnlyList<IDatabaseMigration> Migrations()
    {
        var table = TableName;
        var lookup = Lookup;
        var serializerOptions = SerializerOptions;
        return [Table(table), new SqlMigration($"saga-{table}-0002-lookup", dialect =>
        [
            $"ALTER TABLE {table} ADD COLUMN saga_lookup text NULL",
            $"CREATE INDEX ix_{table}_lookup ON {table} (saga_lookup)",
            .. lookup is null ? Array.Empty<string>() : [$"UPDATE {table} SET saga_lookup = {dialect.JsonText("data", lookup.JsonName(serializerOptions))}"],
        ])];
    }

    private static SqlMigration Table(string table) =>
        new($"saga-{table}-0001", dialect =>
        [
            $"""
            CREATE TABLE {table} (
                correlation_id text PRIMARY KEY,
                version {dialect.BigIntType} NOT NULL,
                saga_state text NULL,
                saga_key text NULL,
                saga_group text NULL,
                created_at {dialect.TimestampType} NOT NULL,
                updated_at {dialect.TimestampType} NOT NULL,
                data text NOT NULL)
            """,
            $"CREATE INDEX ix_{table}_state ON {table} (saga_state)",
            $"CREATE INDEX ix_{table}_key ON {table} (saga_key)",
            $"CREATE INDEX ix_{table}_group ON {table} (saga_group)",
            $"CREATE INDEX ix_{table}_created_at ON {table} (created_at)",
            $"CREATE INDEX ix_{table}_updated_at ON {table} (updated_at)",
        ]);

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}\z")]
    private static partial Regex TableNamePattern();
}
