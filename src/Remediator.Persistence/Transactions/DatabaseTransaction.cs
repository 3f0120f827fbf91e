using System.Data.Common;

namespace Remediator.Persistence.Transactions;

/// <summary>
/// A store's transaction: its own (committed here, rolled back when disposed uncommitted), or
/// <see cref="Joined"/>, a part of the unit of work in force, which commits or rolls back as a whole.
/// </summary>
public sealed class DatabaseTransaction : IAsyncDisposable
{
    private readonly DbTransaction? _transaction;
    private readonly Action? _ended;
    private readonly DatabaseMetrics? _metrics;

    internal DatabaseTransaction(DbTransaction? transaction, Action? ended, DatabaseMetrics? metrics)
    {
        _transaction = transaction;
        _ended = ended;
        _metrics = metrics;
    }

    /// <summary>Statements that belong to the unit of work in force.</summary>
    internal static DatabaseTransaction Joined { get; } = new(null, null, null);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken);
            _metrics?.Committed();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _ended?.Invoke();
        }
    }
}
