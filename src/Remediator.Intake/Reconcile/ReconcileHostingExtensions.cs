using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Observability.Health;
using Remediator.Persistence;

namespace Remediator.Intake.Reconcile;

public static class ReconcileHostingExtensions
{
    /// <summary>
    /// Reconciling with Alertmanager (<c>Remediator:Reconcile</c>, validated at start): the ledger of
    /// firing alerts and its table, the reconciler and its periodic service, the webhook's trigger,
    /// the metrics and the readiness detail. Off, and no cost on the webhook's path, until an
    /// Alertmanager is configured. Needs the engine's database (<c>AddRemediatorPersistence</c>) and
    /// an <see cref="IAlertPublisher"/>; call after <c>AddRemediatorIntake</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAlertmanagerReconcile(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AlertmanagerReconcileOptions>()
            .Bind(builder.Configuration.GetSection(AlertmanagerReconcileOptions.SectionName))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertmanagerReconcileOptions>, AlertmanagerReconcileOptionsValidator>());
        builder.Services.AddDatabaseMigration(DatabaseFiringAlertLedger.Migration);
        builder.Services.TryAddSingleton<IFiringAlertLedger, DatabaseFiringAlertLedger>();
        builder.Services.TryAddSingleton<AlertmanagerReconcileMetrics>();
        builder.Services.TryAddSingleton<AlertmanagerReconcileStatus>();
        builder.Services.TryAddSingleton<AlertmanagerReconciler>();
        builder.Services.AddHostedService<AlertmanagerReconcileService>();
        builder.Services.AddHealthChecks()
            .AddCheck<AlertmanagerReconcileHealthCheck>(AlertmanagerReconcileHealthCheck.Name, tags: [HealthTags.Ready]);
        return builder;
    }
}
