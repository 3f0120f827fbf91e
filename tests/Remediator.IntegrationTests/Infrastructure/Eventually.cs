namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// Polls a condition that real servers make true in their own time. The timeout only keeps a
/// broken run from hanging: tests assert on what happened, never on how long it took.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string waitingFor, TimeSpan? timeout = null, Func<string>? diagnostics = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            try
            {
                await Task.Delay(_pollInterval, cancellation.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException(
                    $"Gave up waiting for {waitingFor} after {(timeout ?? DefaultTimeout).TotalSeconds:0} s.{(diagnostics is null ? "" : Environment.NewLine + diagnostics())}",
                    ex);
            }
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return ValueAsync(async () => await condition() ? "done" : null, waitingFor, timeout, diagnostics);
    }
}
