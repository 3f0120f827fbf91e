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
    private readonly DatabaseUnitOfWork? _unit;
    private DbTransaction? _transaction;

    internal DatabaseConnection(DbConnection connection, DbTransaction? joined, bool owned, DatabaseMetrics? metrics, DatabaseUnitOfWork? unit = null)
    {
        _connection = connection;
        _transaction = joined;
        _owned = owned;
        _metrics = metrics;
        _unit = unit;
    }

    /// <summary>True when this lease writes inside a unit of work that commits later.</summary>
    public bool InUnitOfWork => !_owned;

    /// <summary>
    /// The unit of work's one check of type <typeparamref name="T"/> (made by <paramref name="create"/>
    /// on the first call in this unit), which runs just before the unit commits (<see cref="ICommitCheck"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Outside a unit of work (<see cref="InUnitOfWork"/> is false).</exception>
    public T CheckBeforeCommit<T>(Func<T> create)
        where T : class, ICommitCheck
    {
        ArgumentNullException.ThrowIfNull(create);
        return _unit is null
            ? throw new InvalidOperationException("A check before commit needs a unit of work; this connection commits on its own.")
            : _unit.CheckBeforeCommit(create);
    }

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
