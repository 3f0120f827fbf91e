using Microsoft.Extensions.Options;

namespace Remediator.Engine.Alerts;

/// <summary>
/// A bounded, time-expiring in-process memory of idempotency keys. Lost on restart and not shared
/// between replicas; a durable store replaces it later behind the same interface.
/// </summary>
public sealed class InMemoryAlertDeduplicator(IOptions<DeduplicationOptions> options, TimeProvider timeProvider) : IAlertDeduplicator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Claims in the order they were made; as every entry lives equally long, the head is always
    // the next to expire and the first to evict.
    private readonly LinkedList<Entry> _byAge = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<bool> TryClaimAsync(string idempotencyKey, CancellationToken cancellationToken) => ValueTask.FromResult(TryClaim(idempotencyKey));

    public ValueTask ReleaseAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        Release(idempotencyKey);
        return ValueTask.CompletedTask;
    }

    private bool TryClaim(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            EvictExpired(now);
            if (_entries.ContainsKey(idempotencyKey))
            {
                return false;
            }

            while (_entries.Count >= settings.Capacity && _byAge.First is { } oldest)
            {
                Remove(oldest);
            }

            _entries[idempotencyKey] = _byAge.AddLast(new Entry(idempotencyKey, now + settings.Window));
            return true;
        }
    }

    private void Release(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        lock (_gate)
        {
            if (_entries.TryGetValue(idempotencyKey, out var node))
            {
                Remove(node);
            }
        }
    }

    private void EvictExpired(DateTimeOffset now)
    {
        while (_byAge.First is { } oldest && oldest.Value.ExpiresAt <= now)
        {
            Remove(oldest);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _byAge.Remove(node);
        _entries.Remove(node.Value.Key);
    }

    private sealed record Entry(string Key, DateTimeOffset ExpiresAt);
}
