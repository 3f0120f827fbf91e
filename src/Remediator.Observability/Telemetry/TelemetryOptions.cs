using OpenTelemetry.Exporter;

namespace Remediator.Observability.Telemetry;

/// <summary>
/// Where traces and metrics are exported (<c>Remediator:Telemetry</c>). Nothing is exported unless
/// an endpoint is configured here or in the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Remediator:Telemetry";

    /// <summary>
    /// The OpenTelemetry collector's base address, e.g. <c>http://otel-collector:4317</c> (gRPC) or
    /// <c>http://otel-collector:4318</c> with <see cref="OtlpProtocol"/> <c>HttpProtobuf</c> (the
    /// <c>/v1/traces</c> and <c>/v1/metrics</c> paths are appended). Default: none, export is off
    /// unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and the other <c>OTEL_EXPORTER_OTLP_*</c>
    /// variables) configure it the standard way.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The protocol <see cref="OtlpEndpoint"/> speaks: <c>Grpc</c> (the OTLP default) or <c>HttpProtobuf</c>.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;
}
