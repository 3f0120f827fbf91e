using System.Data.Common;

namespace Remediator.Persistence.Transactions;

/// <summary>
/// One database transaction around the handling of one message (or one webhook request): while
/// its work runs, <see cref="IDatabaseConnectionFactory.ConnectAsync"/> hands every store its
/// connection, so their writes commit together, or roll back together when the work throws.
/// It is carried by the async flow of the work (an <see cref="AsyncLocal{T}"/>).
/// </summary>
public sealed class DatabaseUnitOfWork
{
    private static readonly AsyncLocal<DatabaseUnitOfWork?> _ambient = new();

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly DatabaseMetrics? _metrics;
    private readonly List<ICommitCheck> _checks = [];
    private bool _ended;

    private DatabaseUnitOfWork(DbConnection connection, DbTransaction transaction, DatabaseMetrics? metrics)
    {
        _connection = connection;
        _transaction = transaction;
        _metrics = metrics;
    }

    /// <summary>
    /// The unit of work of the current flow, if one is open. Work that outlives it (a task it
    /// started and did not await) sees none once it has ended.
    /// </summary>
    public static DatabaseUnitOfWork? Current => _ambient.Value is { _ended: false } current ? current : null;

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction on <paramref name="connection"/> (which it then
    /// disposes) and commits when the work returns. The ambient value is set here, inside this
    /// method's own flow, because a value set in an awaited method does not flow back to its caller.
    /// </summary>
    internal static async Task<T> RunAsync<T>(DbConnection connection, DatabaseMetrics? metrics, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using (connection)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var unit = new DatabaseUnitOfWork(connection, transaction, metrics);
            _ambient.Value = unit;
            try
            {
                var result = await work(cancellationToken);
                foreach (var check in unit._checks)
                {
                    await using var lease = unit.Lease();
                    await check.CheckAsync(lease, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                metrics?.Committed();
                return result;
            }
            finally
            {
                // Disposing an uncommitted transaction rolls it back.
                unit._ended = true;
                _ambient.Value = null;
            }
        }
    }

    /// <summary>A lease on this unit's connection (closing it is the unit's business).</summary>
    internal DatabaseConnection Lease() => new(_connection, _transaction, owned: false, _metrics, this);

    /// <summary>This unit's one check of type <typeparamref name="T"/>, made by <paramref name="create"/> on the first call.</summary>
    internal T CheckBeforeCommit<T>(Func<T> create)
        where T : class, ICommitCheck
    {
        if (_checks.OfType<T>().FirstOrDefault() is { } existing)
        {
            return existing;
        }

        var check = create();
        _checks.Add(check);
        return check;
    }
}
