using System.Globalization;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Json;

namespace Remediator.Hosting;

public static class LoggingHostingExtensions
{
    public const string FormatKey = "Remediator:Logging:Format";

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog behind Microsoft.Extensions.Logging: levels, overrides and extra sinks come from the
    /// <c>Serilog</c> section; the console sink's format from <c>Remediator:Logging:Format</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext();
        configuration = ReadFormat(builder.Configuration) == LogFormat.Json
            ? configuration.WriteTo.Console(new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture))
            : configuration.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);

        builder.Logging.ClearProviders();

        // Serilog's MinimumLevel decides; Microsoft's own filter would otherwise drop Debug first.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddSerilog(configuration.CreateLogger(), dispose: true);
        return builder;
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
