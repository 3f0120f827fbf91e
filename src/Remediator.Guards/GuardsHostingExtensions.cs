using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;
using Remediator.Guards.Workloads;
using Remediator.Kubernetes.Client;
using Remediator.Persistence;

namespace Remediator.Guards;

public static class GuardsHostingExtensions
{
    /// <summary>
    /// <see cref="AddRemediatorGuardServices"/> with the options bound to <c>Remediator:Guards</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorGuards(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GuardOptions>().BindConfiguration(GuardOptions.SectionName);
        builder.Services.AddRemediatorGuardServices();
        return builder;
    }

    /// <summary>
    /// <see cref="IRemediationGuards"/> with its options (validated at start; their documented
    /// defaults unless bound), the in-memory state store unless another
    /// <see cref="IGuardStateStore"/> is registered first, and the workload reader over the
    /// Kubernetes client when one is registered. Idempotent.
    /// </summary>
    public static IServiceCollection AddRemediatorGuardServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GuardOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GuardOptions>, GuardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<GuardMetrics>();
        services.TryAddSingleton<IGuardStateStore, InMemoryGuardStateStore>();

        // The host also runs without a Kubernetes client; then the gate refuses (never guesses).
        services.TryAddSingleton<IWorkloadStatusReader>(provider => provider.GetService<IKubernetesReader>() is { } reader
            ? new KubernetesWorkloadStatusReader(reader)
            : new UnavailableWorkloadStatusReader());
        services.TryAddSingleton<IRemediationGuards, RemediationGuards>();
        return services;
    }

    /// <summary>
    /// Replaces the in-memory state with <see cref="DatabaseGuardStateStore"/> and adds its tables
    /// to the startup migration (after <c>AddRemediatorPersistence</c>; before or after
    /// <see cref="AddRemediatorGuards"/>): cooldowns, attempts, slots, pauses and the storm brake
    /// survive restarts and are shared by every engine replica on the database.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorDurableGuardState(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDatabaseMigration(DatabaseGuardStateStore.Migration);
        builder.Services.Replace(ServiceDescriptor.Singleton<IGuardStateStore, DatabaseGuardStateStore>());
        return builder;
    }
}
