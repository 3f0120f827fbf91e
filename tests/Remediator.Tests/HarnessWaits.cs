using MassTransit.Testing;

namespace Remediator.Tests;

/// <summary>
/// Waits on the harness until its test timeout. Its own <c>Any</c> gives up after a quiet spell,
/// which the hop through the durable outbox (a database commit, then the dispatcher) can outlast.
/// </summary>
public static class HarnessWaits
{
    public static async Task<bool> ConsumedAsync<T>(this ITestHarness harness)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(harness);
        using var deadline = new CancellationTokenSource(harness.TestTimeout);
        while (!deadline.IsCancellationRequested)
        {
            if (await harness.Consumed.Any<T>(deadline.Token))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        return false;
    }
}
