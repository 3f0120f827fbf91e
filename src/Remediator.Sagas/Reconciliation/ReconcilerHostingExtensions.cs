using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Remediator.Sagas.Reconciliation;

public static class ReconcilerHostingExtensions
{
    /// <summary>
    /// The reconciler of remediation runs (<c>Remediator:Reconciler</c>, validated at start). Needs
    /// the saga in the engine's database (<c>DatabaseRepository</c>) and the transactional outbox.
    /// </summary>
    public static IHostApplicationBuilder AddRemediationReconciler(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ReconcilerOptions>()
            .BindConfiguration(ReconcilerOptions.SectionName)
            .Validate(o => o.Interval > TimeSpan.Zero, $"{ReconcilerOptions.SectionName}:Interval must be positive.")
            .Validate(o => o.Grace > TimeSpan.Zero, $"{ReconcilerOptions.SectionName}:Grace must be positive.")
            .ValidateOnStart();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ReconcilerMetrics>();
        builder.Services.TryAddSingleton<RemediationReconciler>();
        builder.Services.AddHostedService<ReconcilerService>();
        return builder;
    }
}
