using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Remediator.Tests.Shared;

/// <summary>
/// The in-memory exporter's collection: spans end (and are added) on bus and HTTP threads while the
/// test reads, and every host in the test process listens to the same activity sources, so both
/// sides go through one lock.
/// </summary>
internal sealed class SpanLog : Collection<Activity>
{
    private readonly Lock _gate = new();

    public Activity[] Snapshot()
    {
        lock (_gate)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate)
        {
            base.InsertItem(index, item);
        }
    }
}
