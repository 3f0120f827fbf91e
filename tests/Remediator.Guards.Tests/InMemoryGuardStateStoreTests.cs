using Remediator.Guards.State;

namespace Remediator.Guards.Tests;

public sealed class InMemoryGuardStateStoreTests : GuardStateStoreContract, IDisposable
{
    private readonly InMemoryGuardStateStore _store = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    protected override IGuardStateStore Store => _store;

    // One process's memory: the only other "store" on this state is the same one.
    protected override IGuardStateStore OpenStore() => _store;

    // Memory has no transactions: one unit at a time is the isolation a database's would give.
    protected override async Task<T> InUnitOfWorkAsync<T>(IGuardStateStore store, Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _oneAtATime.WaitAsync();
        try
        {
            return await work(default);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();
}
