using System.Collections.Concurrent;
using MassTransit;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Which message types are handled by consumers behind the transactional outbox, and how many. On
/// a transport whose queues die with the process (in-memory), a message's row stays until each of
/// them acknowledged it, so a restart sends again whatever was still queued; a durable broker takes
/// over once it confirmed, so nothing is counted there.
/// </summary>
public sealed class DurableConsumers(bool countReceipts)
{
    private readonly ConcurrentDictionary<string, int> _consumers = new(StringComparer.Ordinal);

    /// <summary>True on a transport that loses queued messages with the process.</summary>
    public bool CountsReceipts { get; } = countReceipts;

    /// <summary>How many acknowledgements a message of <paramref name="messageTypes"/> (URNs) waits for.</summary>
    public int ReceiptsFor(IEnumerable<string> messageTypes)
    {
        ArgumentNullException.ThrowIfNull(messageTypes);
        return CountsReceipts ? messageTypes.Sum(type => _consumers.GetValueOrDefault(type)) : 0;
    }

    internal void Add<TMessage>()
        where TMessage : class =>
        _consumers.AddOrUpdate(MessageUrn.ForTypeString<TMessage>(), 1, (_, count) => count + 1);
}
