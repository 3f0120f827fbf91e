using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Events;

namespace Remediator.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// The Kubernetes client (section <c>Remediator:Kubernetes</c>) and the action executor
    /// (<c>Remediator:Kubernetes:Actions</c>). The connection is resolved once,
    /// by the rules of <see cref="KubernetesConnectionMode"/>, when the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddKubernetes(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<KubernetesClientOptions>().BindConfiguration(KubernetesClientOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KubernetesClientOptions>, KubernetesClientOptionsValidator>();
        builder.Services.AddOptions<KubernetesActionOptions>().BindConfiguration(KubernetesActionOptions.SectionName)
            .Validate(o => o.DefaultStepTimeout > TimeSpan.Zero && o.DefaultRolloutTimeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.EvictionRetryInterval > TimeSpan.Zero, $"{KubernetesActionOptions.SectionName}: every duration must be positive.")
            .Validate(o => o.EventAggregationWindow >= TimeSpan.Zero, $"{KubernetesActionOptions.SectionName}:EventAggregationWindow must not be negative (zero turns aggregation off).")
            .Validate(o => o.DashboardBaseUrl is null || (o.DashboardBaseUrl.IsAbsoluteUri && o.DashboardBaseUrl.Scheme is "http" or "https"), $"{KubernetesActionOptions.SectionName}:DashboardBaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var resolved = ConnectionResolver.Resolve(sp.GetRequiredService<IOptions<KubernetesClientOptions>>().Value, sp.GetRequiredService<TimeProvider>());
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Remediator.Kubernetes").LogInformation("Kubernetes connection: {Connection}", resolved.Description);
            return resolved;
        });
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<KubernetesClientMetrics>();
        builder.Services.AddSingleton<IKubernetesApi>(sp =>
        {
            var resolved = sp.GetRequiredService<ResolvedConnection>();
            return resolved.Connection is null
                ? new DisconnectedKubernetesApi(resolved.Description)
                : new KubernetesApiClient(resolved.Connection, sp.GetRequiredService<IOptions<KubernetesClientOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KubernetesApiClient>>(), sp.GetRequiredService<KubernetesClientMetrics>());
        });
        builder.Services.AddSingleton<IKubernetesReader>(sp => sp.GetRequiredService<IKubernetesApi>());
        // One for the engine: the steps' Events and the refusals' share its aggregation.
        builder.Services.AddSingleton<RemediationEvents>();
        builder.Services.AddSingleton<KubernetesActionExecutor>();
        builder.Services.AddHostedService<KubernetesConnectionCheck>();
        return builder;
    }

    /// <summary>
    /// On the bus: the consumer that records the guards' refusals as Kubernetes Events on their
    /// targets (<see cref="RemediationRefusedConsumer"/>), outside the saga's transaction.
    /// </summary>
    public static IBusRegistrationConfigurator AddKubernetesEvents(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<RemediationRefusedConsumer, RemediationRefusedConsumerDefinition>();
        return bus;
    }

    /// <summary>Resolves the connection at start, so a broken kubeconfig stops the engine with its reason instead of failing the first remediation.</summary>
    private sealed class KubernetesConnectionCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IKubernetesApi>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
