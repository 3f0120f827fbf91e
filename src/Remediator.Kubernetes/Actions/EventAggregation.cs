namespace Remediator.Kubernetes.Actions;

/// <summary>
/// What client-go's EventRecorder does so a storm does not write thousands of Events: an Event
/// with the same object, reason and type as one written within <c>window</c> of the last is
/// counted on that one instead of created (its <c>count</c> and <c>lastTimestamp</c> go up, and a
/// different message replaces the old one as <c>(combined from similar events): ...</c>, as
/// client-go's aggregator writes it). Remembers at most <see cref="MaxEntries"/> series (client-go's
/// LRU size), in this engine's memory: each replica aggregates its own. A zero window aggregates nothing.
/// </summary>
internal sealed class EventAggregation(TimeSpan window)
{
    /// <summary>The series kept at most, as client-go's event cache.</summary>
    public const int MaxEntries = 4096;

    /// <summary>client-go's prefix of an aggregated Event's message.</summary>
    public const string CombinedPrefix = "(combined from similar events): ";

    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Counts one occurrence: the first of a series (count 1, a new Event name) or a repeat on the series' Event.</summary>
    public Occurrence Observe(Key key, string message, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (window > TimeSpan.Zero && _entries.TryGetValue(key, out var entry) && now - entry.Last < window)
            {
                var shown = entry.Message == message || entry.Message == CombinedPrefix + message ? entry.Message : CombinedPrefix + message;
                entry = entry with { Count = entry.Count + 1, Message = shown, Last = now };
                _entries[key] = entry;
                return new Occurrence(entry.EventName, entry.Count, entry.Message);
            }

            return Start(key, message, now);
        }
    }

    /// <summary>The series' Event is gone from the server: a new one starts it again.</summary>
    public Occurrence Restart(Key key, string message, DateTimeOffset now)
    {
        lock (_lock)
        {
            return Start(key, message, now);
        }
    }

    /// <summary>The series' first Event could not be created: the next occurrence creates it rather than counting on it.</summary>
    public void Forget(Key key, string eventName)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.EventName == eventName)
            {
                _entries.Remove(key);
            }
        }
    }

    private Occurrence Start(Key key, string message, DateTimeOffset now)
    {
        // client-go's naming: the object's name and a unique hex suffix.
        var name = $"{key.Object.Name}.{now.ToUnixTimeMilliseconds():x}{Guid.NewGuid().ToString("N")[..8]}";
        if (window > TimeSpan.Zero)
        {
            if (!_entries.ContainsKey(key) && _entries.Count >= MaxEntries)
            {
                Evict(now);
            }

            _entries[key] = new Entry(name, 1, message, now);
        }

        return new Occurrence(name, 1, message);
    }

    /// <summary>Drops the series whose window has passed, or else the least recently seen one.</summary>
    private void Evict(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries.Where(pair => now - pair.Value.Last >= window).ToList())
        {
            _entries.Remove(key);
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Remove(_entries.MinBy(pair => pair.Value.Last).Key);
        }
    }

    /// <summary>What makes Events similar: the same object, reason and type.</summary>
    public readonly record struct Key(InvolvedObject Object, string Reason, string Type);

    /// <summary>The Event to write: created when <see cref="Count"/> is 1, else updated to this count and message.</summary>
    public sealed record Occurrence(string EventName, int Count, string Message);

    private sealed record Entry(string EventName, int Count, string Message, DateTimeOffset Last);
}
