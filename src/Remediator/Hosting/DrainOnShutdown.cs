using Microsoft.Extensions.Options;

namespace Remediator.Hosting;

/// <summary>
/// Holds the stop for <see cref="ShutdownOptions.Drain"/> once the host is stopping (before any
/// hosted service, the web server included, stops): meanwhile the webhook answers 503 with
/// <c>Retry-After</c> and <c>/readyz</c> reports draining.
/// </summary>
public sealed partial class DrainOnShutdown(IOptions<ShutdownOptions> options, TimeProvider timeProvider, ILogger<DrainOnShutdown> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var drain = options.Value.Drain;
        LogDraining(drain);
        await Task.Delay(drain, timeProvider, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: answering 503 to new alerts and draining for {Drain} before the server stops")]
    private partial void LogDraining(TimeSpan drain);
}
