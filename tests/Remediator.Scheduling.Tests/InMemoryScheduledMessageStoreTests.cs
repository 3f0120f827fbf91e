using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

public sealed class InMemoryScheduledMessageStoreTests : ScheduledMessageStoreContract
{
    protected override IScheduledMessageStore Store { get; } = new InMemoryScheduledMessageStore();
}
