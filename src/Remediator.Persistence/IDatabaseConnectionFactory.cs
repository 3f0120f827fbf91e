using System.Data.Common;

namespace Remediator.Persistence;

/// <summary>Opens connections to the configured database (<see cref="PersistenceOptions"/>).</summary>
public interface IDatabaseConnectionFactory
{
    /// <summary>How SQL for this database differs.</summary>
    SqlDialect Dialect { get; }

    /// <summary>An open connection; the caller disposes it (PostgreSQL connections return to the pool).</summary>
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>The synchronous form, for callers behind synchronous interfaces (an observable gauge read by a scrape).</summary>
    DbConnection OpenConnection();
}
