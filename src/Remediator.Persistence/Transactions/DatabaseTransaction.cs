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

    internal DatabaseTransaction(DbTransaction? transaction, Action? ended)
    {
        _transaction = transaction;
        _ended = ended;
    }

    /// <summary>Statements that belong to the unit of work in force.</summary>
    internal static DatabaseTransaction Joined { get; } = new(null, null);

    public Task CommitAsync(CancellationToken cancellationToken) =>
        _transaction?.CommitAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _ended?.Invoke();
        }
    }
}
