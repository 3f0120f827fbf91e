using System.Data.Common;

namespace Remediator.Persistence;

/// <summary>
/// The few places where SQLite and PostgreSQL differ. Everything else (parameters as
/// <c>@name</c>, <c>INSERT ... ON CONFLICT</c>, <c>RETURNING</c>, <c>LIMIT/OFFSET</c>) is written
/// once in the common subset both understand.
/// </summary>
public abstract class SqlDialect
{
    private protected SqlDialect()
    {
    }

    public abstract DatabaseProvider Provider { get; }

    /// <summary>The column type for an instant: <c>timestamptz</c>, or Unix milliseconds in SQLite (which has no time type).</summary>
    public abstract string TimestampType { get; }

    /// <summary>A 64-bit integer column type.</summary>
    public abstract string BigIntType { get; }

    /// <summary>Appended to a SELECT that must lock the rows it reads until the transaction ends (SQLite locks the whole database instead).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// Appended to a SELECT that must keep the rows it reads from being changed or deleted until the
    /// transaction ends, while other readers may take the same lock (SQLite locks the whole database instead).
    /// </summary>
    public abstract string ForShare { get; }

    /// <summary>The text of top-level property <paramref name="name"/> of the JSON object in text column <paramref name="column"/> (null when absent).</summary>
    public abstract string JsonText(string column, string name);

    /// <summary>An instant as the parameter value for a <see cref="TimestampType"/> column.</summary>
    public abstract object ToTimestamp(DateTimeOffset value);

    /// <summary>Reads a <see cref="TimestampType"/> column.</summary>
    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>One-time database settings applied before migrating.</summary>
    internal abstract Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Serialises migrations across processes that start at once; held until
    /// <paramref name="transaction"/> ends.
    /// </summary>
    internal abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
}
