using System.Threading.Channels;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// How a commit tells the dispatcher about the outbox rows it wrote: rows due at once that it claimed
/// itself are handed over (<see cref="HandOver"/>) and sent without touching the store first; any other
/// row due at once asks for a poll (<see cref="Notify"/>) instead of waiting for the next one. Poll
/// requests while the dispatcher is busy fold into one; so do wake-ups (<see cref="Wake"/>).
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _poll = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Unbounded: the webhook's back-pressure bounds the rows waiting, and a row kept here too long is
    // not sent from here but left to the poll once its lease expired (the dispatcher checks it).
    private readonly Channel<HandedOverMessage> _handedOver = Channel.CreateUnbounded<HandedOverMessage>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Asks the dispatcher to poll the store now (a commit armed rows it did not hand over).</summary>
    public void Notify() => _poll.Writer.TryWrite(true);

    /// <summary>
    /// Wakes the dispatcher without asking for a poll: sent rows were given back to it
    /// (<see cref="SentMessages.Return"/>) and are to be completed sooner than it planned to wake.
    /// </summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Gives the dispatcher rows a commit wrote claimed by this process, to send at once.</summary>
    public void HandOver(IEnumerable<HandedOverMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            _handedOver.Writer.TryWrite(message);
        }
    }

    /// <summary>True (once) when a poll was asked for since the last call.</summary>
    public bool TakePollRequest() => _poll.Reader.TryRead(out _);

    /// <summary>Takes up to <paramref name="maxCount"/> handed-over rows, oldest first.</summary>
    public IReadOnlyList<HandedOverMessage> TakeHandedOver(int maxCount)
    {
        var taken = new List<HandedOverMessage>();
        while (taken.Count < maxCount && _handedOver.Reader.TryRead(out var message))
        {
            taken.Add(message);
        }

        return taken;
    }

    /// <summary>
    /// Waits for a poll request or a handed-over row (without taking either), a wake-up (which it takes),
    /// or <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var poll = _poll.Reader.WaitToReadAsync(linked.Token).AsTask();
        var handedOver = _handedOver.Reader.WaitToReadAsync(linked.Token).AsTask();
        var woken = _wake.Reader.ReadAsync(linked.Token).AsTask();
        var first = await Task.WhenAny(poll, handedOver, woken);

        // The other waits end cancelled with the linked token (a cancelled task is never an unobserved failure).
        await linked.CancelAsync();
        try
        {
            await first;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The timeout passed without a signal: poll anyway (timers fall due by themselves).
        }
    }
}
