using Remediator.Guards.State;

namespace Remediator.Guards.Tests;

public sealed class InMemoryGuardStateStoreTests : GuardStateStoreContract
{
    private readonly InMemoryGuardStateStore _store = new();

    protected override IGuardStateStore Store => _store;

    // One process's memory: the only other "store" on this state is the same one.
    protected override IGuardStateStore OpenStore() => _store;
}
