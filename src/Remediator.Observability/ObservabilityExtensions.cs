using MassTransit;
using MassTransit.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Remediator.Observability.Logging;
using Remediator.Observability.Metrics;

namespace Remediator.Observability;

public static class ObservabilityExtensions
{
    /// <summary>The meters <c>/metrics</c> exports: the engine's own and MassTransit's (receive, consume, in-flight, durations).</summary>
    public static readonly IReadOnlyList<string> ExportedMeters = [RemediationMetrics.MeterName, InstrumentationOptions.MeterName];

    /// <summary>The Prometheus exporter and the remediation outcome instruments; map the endpoint with <see cref="MetricsEndpoints.MapMetricsEndpoint"/>.</summary>
    public static IHostApplicationBuilder AddRemediatorMetrics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(provider => new PrometheusExporter(ExportedMeters, provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.TryAddSingleton<RemediationMetrics>();
        return builder;
    }

    /// <summary>
    /// On the bus: the consumer counting how runs end, and a log scope with the remediation's
    /// identity around every consumed message and every activity execution and compensation, on
    /// every endpoint.
    /// </summary>
    public static IBusRegistrationConfigurator AddRemediatorObservability(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<RemediationOutcomeMetricsConsumer>();
        bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
        {
            endpoint.UseConsumeFilter(typeof(RemediationLogScopeFilter<>), context);
            endpoint.UseExecuteActivityFilter(typeof(RemediationExecuteLogScopeFilter<>), context);
            endpoint.UseCompensateActivityFilter(typeof(RemediationCompensateLogScopeFilter<>), context);
        });
        return bus;
    }
}
