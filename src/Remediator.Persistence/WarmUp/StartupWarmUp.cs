using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Remediator.Persistence.WarmUp;

/// <summary>
/// Runs every module's <see cref="IWarmUp"/> once while the host starts. Registered after every
/// other hosted service (<see cref="WarmUpServiceCollectionExtensions.AddRemediatorWarmUp"/>), it
/// runs once the schema is migrated, the rules are loaded and the bus is started, and before the
/// web server listens: the engine answers neither <c>/readyz</c> nor the webhook until it is done.
/// It is bounded by <see cref="WarmUpOptions.Timeout"/> and never fails the start: a part that
/// fails or runs out of time is logged as a warning and the engine starts with that code cold.
/// </summary>
public sealed partial class StartupWarmUp(
    IServiceScopeFactory scopes,
    IOptions<WarmUpOptions> options,
    TimeProvider timeProvider,
    ILogger<StartupWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(WarmUpOptions.SectionName);
            return;
        }

        var started = timeProvider.GetTimestamp();
        using var deadline = new CancellationTokenSource(settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var parts = scope.ServiceProvider.GetServices<IWarmUp>().ToList();
        var warmed = 0;
        foreach (var part in parts)
        {
            var partStarted = timeProvider.GetTimestamp();
            try
            {
                // WaitAsync: a part that does not watch its token still cannot hold the start past the timeout.
                await part.WarmAsync(linked.Token).WaitAsync(linked.Token);
                warmed++;
                LogPartWarmed(part.Name, timeProvider.GetElapsedTime(partStarted).TotalMilliseconds);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                LogTimedOut(settings.Timeout, part.Name, parts.Count - warmed);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A warm-up only saves time later: its failure must not stop the engine.
                LogPartFailed(ex, part.Name);
            }
        }

        LogWarmedUp(warmed, parts.Count, timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up is off ({Section}:Enabled): the first alerts run cold code")]
    private partial void LogDisabled(string section);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warm-up of {Part} took {ElapsedMs:F0} ms")]
    private partial void LogPartWarmed(string part, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of {Part} failed; the engine starts with that code cold")]
    private partial void LogPartFailed(Exception exception, string part);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up ran out of its {Timeout} while warming {Part}; the engine starts with {Left} parts cold")]
    private partial void LogTimedOut(TimeSpan timeout, string part, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up warmed {Warmed} of {Parts} parts in {ElapsedMs:F0} ms")]
    private partial void LogWarmedUp(int warmed, int parts, double elapsedMs);
}
