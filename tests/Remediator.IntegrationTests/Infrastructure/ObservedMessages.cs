namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>Every message of one type the test bus consumed, in consumption order.</summary>
public sealed class ObservedMessages<T>
    where T : class
{
    private readonly List<T> _messages = [];

    public IReadOnlyList<T> All
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public void Add(T message)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }
    }

    /// <summary>The first message matching <paramref name="predicate"/>, once one has arrived.</summary>
    public Task<T> WaitForAsync(Func<T, bool> predicate, string description, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(
            () => Task.FromResult(All.FirstOrDefault(predicate)),
            $"{typeof(T).Name} {description}",
            timeout,
            () => $"{All.Count} {typeof(T).Name} messages arrived, none of them {description}.");
}
