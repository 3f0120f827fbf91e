using Remediator.Observability.Metrics;

namespace Remediator.Observability.Tests;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("remediator.rules.reloads", null, 0, "remediator_rules_reloads")]
    [InlineData("requests_total", null, 0, "requests")]
    [InlineData("messaging.masstransit.consume.duration", "ms", 2, "messaging_masstransit_consume_duration_milliseconds")]
    [InlineData("request.duration", "s", 2, "request_duration_seconds")]
    [InlineData("request_duration_seconds", "s", 2, "request_duration_seconds")]
    [InlineData("messaging.masstransit.receive.active", "{message}", 1, "messaging_masstransit_receive_active")]
    [InlineData("io.throughput", "By/s", 1, "io_throughput_bytes_per_second")]
    [InlineData("utilization", "1", 1, "utilization")]
    [InlineData("messaging.masstransit.consume", "ea", 0, "messaging_masstransit_consume")]
    [InlineData("http-server..active/requests", null, 1, "http_server_active_requests")]
    [InlineData("5xx", null, 1, "_5xx")]
    public void Instrument_names_and_units_become_prometheus_names(string instrument, string? unit, int type, string expected) =>
        PrometheusNaming.FamilyName(instrument, unit, (MetricType)type).ShouldBe(expected);

    [Theory]
    [InlineData("messaging.masstransit.consumer_type", "messaging_masstransit_consumer_type")]
    [InlineData("a:b", "a_b")]
    public void Label_names_are_sanitized(string key, string expected) => PrometheusNaming.LabelName(key).ShouldBe(expected);
}
