namespace Remediator.Kubernetes.Client;

/// <summary>
/// client-go's token bucket: <c>burst</c> requests at once, then <c>qps</c> per second. A caller
/// over the limit reserves the next token and waits for it, so waiters are served in order.
/// </summary>
internal sealed class ClientRateLimiter(double queriesPerSecond, int burst, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private DateTimeOffset _updated = time.GetUtcNow();

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _tokens = Math.Min(burst, _tokens + ((now - _updated).TotalSeconds * queriesPerSecond));
            _updated = now;
            _tokens -= 1;
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / queriesPerSecond);
        }

        return wait == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }
}
