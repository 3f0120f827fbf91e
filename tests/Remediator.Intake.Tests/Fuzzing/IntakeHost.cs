using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;

namespace Remediator.Intake.Tests.Fuzzing;

/// <summary>
/// The webhook endpoint in the ASP.NET pipeline the engine's host gives it (exception handler,
/// status-code pages, problem details), on a test server, with a publisher that records what it
/// is handed and a logger that records every error, so an exception the handler swallowed into a
/// 500 still shows up.
/// </summary>
internal sealed class IntakeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IntakeHost(WebApplication app, RecordingPublisher publisher, ErrorRecorder errors)
    {
        _app = app;
        Publisher = publisher;
        Errors = errors;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public RecordingPublisher Publisher { get; }

    public ErrorRecorder Errors { get; }

    /// <param name="maxBodyBytes">The webhook's body limit.</param>
    /// <param name="settings">Further configuration, by key (<c>Remediator:Webhook:AllowAnonymous</c>).</param>
    /// <param name="arrange">Runs on every request before the webhook: what the test server cannot fake, such as the caller's address.</param>
    public static async Task<IntakeHost> StartAsync(long maxBodyBytes, IReadOnlyDictionary<string, string>? settings = null, Action<HttpContext>? arrange = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[$"{WebhookOptions.SectionName}:MaxBodyBytes"] = maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.Configuration[key] = value;
        }

        var errors = new ErrorRecorder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(errors);
        var publisher = new RecordingPublisher();
        builder.Services.AddSingleton<IAlertPublisher>(publisher);
        builder.AddRemediatorIntake();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (arrange is not null)
        {
            app.Use((context, next) =>
            {
                arrange(context);
                return next(context);
            });
        }

        app.MapAlertsEndpoints();
        await app.StartAsync();
        return new IntakeHost(app, publisher, errors);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class RecordingPublisher : IAlertPublisher
    {
        private readonly ConcurrentQueue<IReadOnlyList<AlertReceived>> _batches = new();

        public int Batches => _batches.Count;

        public IReadOnlyList<AlertReceived> Last => _batches.Last();

        public Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
        {
            _batches.Enqueue(alerts);
            return Task.CompletedTask;
        }
    }

    /// <summary>Every log entry at Error or above, and every logged exception.</summary>
    internal sealed class ErrorRecorder : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyCollection<string> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error || exception is not null)
                {
                    entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
                }
            }
        }
    }
}
