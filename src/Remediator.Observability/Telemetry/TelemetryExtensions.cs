using MassTransit.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Remediator.Observability.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The <c>service.name</c> of every span and metric.</summary>
    public const string ServiceName = "remediator";

    /// <summary>The standard variable (or configuration key) that turns OTLP export on without <see cref="TelemetryOptions.OtlpEndpoint"/>.</summary>
    public const string StandardEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry in one place. Traces are always recorded in-process: the webhook request
    /// (ASP.NET Core), every publish, consume, saga and Courier step (MassTransit's
    /// <see cref="DiagnosticHeaders.DefaultListenerName"/> source, which carries the trace across
    /// the bus in message headers) and every outgoing HTTP call (the Kubernetes API, escalation
    /// channels) share one trace id, which Serilog writes on each log line. They leave the process
    /// only over OTLP, when <see cref="TelemetryOptions"/> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// configure a collector; then the meters <c>/metrics</c> serves are exported too.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Read now, not through IOptions: whether an exporter exists is decided while registering.
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        Validate(options);
        var export = options.OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(builder.Configuration[StandardEndpointKey]);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(DiagnosticHeaders.DefaultListenerName)
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !OperationsRoutes.IsProbeOrScrape(context.Request.Path))
                    .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = SecretUrl.Redact);
                if (export)
                {
                    tracing.AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces"));
                }
            });
        if (export)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter([.. ObservabilityExtensions.ExportedMeters])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp => Configure(otlp, options, "v1/metrics")));
        }

        return builder;
    }

    /// <summary>
    /// <see cref="TelemetryOptions.OtlpEndpoint"/> when set; otherwise the exporter keeps what the
    /// <c>OTEL_EXPORTER_OTLP_*</c> variables say (it appends the signal's path itself then).
    /// </summary>
    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, string signalPath)
    {
        if (options.OtlpEndpoint is not { } endpoint)
        {
            return;
        }

        otlp.Protocol = options.OtlpProtocol;
        otlp.Endpoint = options.OtlpProtocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }

    private static void Validate(TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{TelemetryOptions.SectionName}:OtlpEndpoint must be an absolute http or https URL (got '{endpoint}').");
        }

        if (!Enum.IsDefined(options.OtlpProtocol))
        {
            failures.Add($"{TelemetryOptions.SectionName}:OtlpProtocol must be Grpc or HttpProtobuf.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(TelemetryOptions.SectionName, typeof(TelemetryOptions), failures);
        }
    }
}
