using Remediator.Contracts;

namespace Remediator.Engine.Remediations;

/// <summary>
/// The last <see cref="Capacity"/> requests in memory. A redelivered request (same RequestId)
/// replaces its earlier entry instead of appearing twice.
/// </summary>
public sealed class InMemoryRemediationLog : IRemediationLog
{
    /// <summary>Enough for an on-call overview; older entries drop off.</summary>
    public const int Capacity = 500;

    private readonly Lock _gate = new();
    private readonly LinkedList<RemediationRequested> _newestFirst = new();

    public void Add(RemediationRequested request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            for (var node = _newestFirst.First; node is not null; node = node.Next)
            {
                if (node.Value.RequestId == request.RequestId)
                {
                    _newestFirst.Remove(node);
                    break;
                }
            }

            _newestFirst.AddFirst(request);
            while (_newestFirst.Count > Capacity)
            {
                _newestFirst.RemoveLast();
            }
        }
    }

    public IReadOnlyList<RemediationRequested> Recent()
    {
        lock (_gate)
        {
            return [.. _newestFirst];
        }
    }
}
