using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;

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
        builder.Services.AddSingleton<KubernetesActionExecutor>();
        builder.Services.AddHostedService<KubernetesConnectionCheck>();
        return builder;
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
