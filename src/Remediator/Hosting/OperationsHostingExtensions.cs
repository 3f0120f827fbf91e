using Remediator.Observability;
using Remediator.Observability.Health;
using Remediator.Observability.Metrics;
using Remediator.Security;

namespace Remediator.Hosting;

/// <summary>What an operator runs the engine with: metrics, health probes, API security and limits.</summary>
public static class OperationsHostingExtensions
{
    /// <summary>
    /// <c>/metrics</c>'s exporter and the engine's gauges, the readiness checks (bus, store, rules,
    /// Kubernetes) and the API's tokens, timeouts and body limits. The bus side is
    /// <see cref="ObservabilityExtensions.AddRemediatorObservability"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorOperations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRemediatorMetrics();
        builder.Services.AddSingleton<RulesMetrics>();
        builder.Services.AddSingleton<RemediationStateMetrics>();

        // MassTransit adds its bus check tagged "ready" itself.
        builder.Services.AddHealthChecks()
            .AddCheck<RulesHealthCheck>("rules", tags: [HealthTags.Ready])
            .AddCheck<EscalationPoliciesHealthCheck>("escalation", tags: [HealthTags.Ready])
            .AddCheck<StoreHealthCheck>("store", tags: [HealthTags.Ready])
            .AddCheck<KubernetesHealthCheck>("kubernetes", tags: [HealthTags.Ready]);
        builder.AddRemediatorApiSecurity();
        return builder;
    }

    /// <summary><c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>: open to probes and scrapers, outside the API's token check.</summary>
    public static IEndpointRouteBuilder MapRemediatorOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // The gauges exist from now on, before the first scrape.
        endpoints.ServiceProvider.GetRequiredService<RulesMetrics>();
        endpoints.ServiceProvider.GetRequiredService<RemediationStateMetrics>();
        endpoints.MapMetricsEndpoint();
        endpoints.MapHealthEndpoints();
        return endpoints;
    }
}
