using System.Data.Common;
using Remediator.Persistence.Transactions;

namespace Remediator.Persistence;

/// <summary>Opens connections to the configured database (<see cref="PersistenceOptions"/>).</summary>
public interface IDatabaseConnectionFactory
{
    /// <summary>How SQL for this database differs.</summary>
    SqlDialect Dialect { get; }

    /// <summary>An open connection of its own; the caller disposes it (PostgreSQL connections return to the pool).</summary>
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What a store writes through: the connection of the <see cref="DatabaseUnitOfWork"/> in force,
    /// so its statements commit with it, or else a connection of its own.
    /// </summary>
    Task<DatabaseConnection> ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a <see cref="DatabaseUnitOfWork"/> that every store joins, and
    /// commits when it returns (rolls back when it throws).
    /// </summary>
    Task<T> InUnitOfWorkAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);

    /// <summary>The synchronous form, for callers behind synchronous interfaces (an observable gauge read by a scrape).</summary>
    DbConnection OpenConnection();
}
