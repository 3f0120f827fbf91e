using System.Threading.Channels;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Wakes the dispatcher when a commit put messages in the outbox, so they leave at once instead of
/// at the next poll. Signals while it is busy fold into one.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _pending.Writer.TryWrite(true);

    /// <summary>Waits for a signal or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await _pending.Reader.WaitToReadAsync(linked.Token);
            _pending.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a signal: poll anyway (timers fall due by themselves).
        }
    }
}
