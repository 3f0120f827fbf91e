using System.Data.Common;

namespace Remediator.Persistence.Transactions;

/// <summary>
/// A connection as the stores use it: their own, or the one of the <see cref="DatabaseUnitOfWork"/>
/// the current message is handled in, so that every write a message causes (saga row, guard
/// state, claims, the messages and timers it sends) commits together or not at all.
/// Disposing closes only a connection this lease opened.
/// </summary>
public sealed class DatabaseConnection : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly bool _owned;
    private readonly DatabaseMetrics? _metrics;
    private DbTransaction? _transaction;

    internal DatabaseConnection(DbConnection connection, DbTransaction? joined, bool owned, DatabaseMetrics? metrics)
    {
        _connection = connection;
        _transaction = joined;
        _owned = owned;
        _metrics = metrics;
    }

    /// <summary>True when this lease writes inside a unit of work that commits later.</summary>
    public bool InUnitOfWork => !_owned;

    /// <summary>
    /// A command enlisted in the transaction in force (the unit of work's, or one begun here).
    /// Counted as one statement sent (<see cref="DatabaseMetrics"/>): stores run each command they create once.
    /// </summary>
    public DbCommand CreateCommand(string sql)
    {
        _metrics?.Command(inTransaction: _transaction is not null);
        return _connection.CreateCommand(sql, _transaction);
    }

    /// <summary>
    /// A transaction of this connection's own; inside a unit of work the statements simply join it,
    /// and committing is left to the unit of work.
    /// </summary>
    public async Task<DatabaseTransaction> BeginTransactionAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            return DatabaseTransaction.Joined;
        }

        var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        _transaction = transaction;
        return new DatabaseTransaction(transaction, () => _transaction = null, _metrics);
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await _connection.DisposeAsync();
        }
    }
}
