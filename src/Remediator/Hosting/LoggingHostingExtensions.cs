using System.Globalization;
using Microsoft.Extensions.Options;
using Remediator.Observability;
using Serilog;
using Serilog.AspNetCore;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace Remediator.Hosting;

public static class LoggingHostingExtensions
{
    public const string FormatKey = "Remediator:Logging:Format";

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog behind Microsoft.Extensions.Logging: levels, overrides and extra sinks come from the
    /// <c>Serilog</c> section; the console sink's format from <c>Remediator:Logging:Format</c>. The
    /// console is written on a background thread (the async sink), so a slow terminal or log
    /// collector never holds up a webhook or a consumer; the buffer is flushed when the host
    /// disposes the logger. One line per HTTP request comes from Serilog's request logging
    /// (<see cref="UseRemediatorRequestLogging"/>).
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var format = ReadFormat(builder.Configuration);
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Async(sink => _ = format == LogFormat.Json
                ? sink.Console(JsonFormatter)
                : sink.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture))
            .CreateLogger();

        // Serilog's MinimumLevel decides (Microsoft's filters are bypassed); the logger is the
        // host's, not the static Log.Logger, so test hosts in one process keep their own.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: true);
        builder.Services.Configure<RequestLoggingOptions>(options =>
        {
            options.Logger = logger;
            options.GetLevel = RequestLevel;
        });
        return builder;
    }

    /// <summary>
    /// One line per request (method, path, status, elapsed) in place of ASP.NET Core's several.
    /// Put first, so it sees the status the exception handler and status code pages answer with.
    /// </summary>
    public static IApplicationBuilder UseRemediatorRequestLogging(this IApplicationBuilder app) => app.UseSerilogRequestLogging();

    /// <summary>
    /// The JSON console format: Serilog's compact format with the message rendered (<c>@t</c>,
    /// <c>@m</c>, <c>@l</c>, <c>@x</c>, <c>@tr</c>/<c>@sp</c> for the trace), every property and
    /// log scope (the remediation's identity, the request's id and path) at the top level.
    /// </summary>
    internal static ITextFormatter JsonFormatter { get; } = new RenderedCompactJsonFormatter();

    /// <summary>
    /// Probes and scrapes arrive every few seconds and say nothing when they succeed: Debug, so the
    /// default Information level keeps the webhook and API requests only. Failures are errors.
    /// </summary>
    internal static LogEventLevel RequestLevel(HttpContext context, double elapsedMilliseconds, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (exception is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            return LogEventLevel.Error;
        }

        return OperationsRoutes.IsProbeOrScrape(context.Request.Path) ? LogEventLevel.Debug : LogEventLevel.Information;
    }

    private static LogFormat ReadFormat(IConfiguration configuration)
    {
        var configured = configuration[FormatKey];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return LogFormat.Text;
        }

        return Enum.TryParse<LogFormat>(configured, ignoreCase: true, out var format) && Enum.IsDefined(format)
            ? format
            : throw new OptionsValidationException(FormatKey, typeof(LogFormat), [$"{FormatKey} must be Text or Json (got '{configured}')."]);
    }
}
