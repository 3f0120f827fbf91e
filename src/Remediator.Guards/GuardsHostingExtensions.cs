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
    /// <see cref="IRemediationGuards"/> with its options (<c>Remediator:Guards</c>, validated at
    /// start), the in-memory state store unless another <see cref="IGuardStateStore"/> is
    /// registered first, and the workload reader over the Kubernetes client when one is registered.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorGuards(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GuardOptions>().BindConfiguration(GuardOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GuardOptions>, GuardOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<GuardMetrics>();
        builder.Services.TryAddSingleton<IGuardStateStore, InMemoryGuardStateStore>();

        // The host also runs without a Kubernetes client; then the gate refuses (never guesses).
        builder.Services.TryAddSingleton<IWorkloadStatusReader>(provider => provider.GetService<IKubernetesReader>() is { } reader
            ? new KubernetesWorkloadStatusReader(reader)
            : new UnavailableWorkloadStatusReader());
        builder.Services.TryAddSingleton<IRemediationGuards, RemediationGuards>();
        return builder;
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
