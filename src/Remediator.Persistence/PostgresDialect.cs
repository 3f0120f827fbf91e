using System.Data.Common;

namespace Remediator.Persistence;

public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    // An arbitrary constant that identifies "Remediator schema migrations" among advisory locks.
    private const long MigrationLockKey = 0x52454D4544_0001;

    private PostgresDialect()
    {
    }

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string TimestampType => "timestamptz";

    public override string BigIntType => "bigint";

    public override string ForUpdate => " FOR UPDATE";

    public override string ForShare => " FOR SHARE";

    public override string JsonText(string column, string name) => $"({column}::jsonb ->> '{name}')";

    // Npgsql writes timestamptz only from UTC values.
    public override object ToTimestamp(DateTimeOffset value) => value.ToUniversalTime();

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    internal override Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    // A transaction-scoped advisory lock: two engines starting together migrate one after the
    // other, and the lock is released even if the process dies mid-migration.
    internal override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(@key)";
        command.AddParameter("@key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
