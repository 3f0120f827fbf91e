using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Persistence.Alerts;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Retention;

namespace Remediator.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The database layer: <see cref="PersistenceOptions"/> bound from <c>Remediator:Persistence</c>
    /// and validated at start, <see cref="IDatabaseConnectionFactory"/>, the schema migrated while
    /// the host starts (before the bus consumes anything), and the durable
    /// <see cref="DatabaseAlertClaims"/> with their periodic purge.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorPersistence(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(PersistenceOptions.SectionName);
        ThrowIfProviderInvalid(section);
        builder.Services.AddOptions<PersistenceOptions>().Bind(section);
        builder.Services.AddRemediatorDatabase();
        builder.Services.AddDatabaseAlertClaims();
        return builder;
    }

    /// <summary>
    /// The database layer without configuration binding (tests, or hosts that configure
    /// <see cref="PersistenceOptions"/> themselves). Idempotent.
    /// </summary>
    public static IServiceCollection AddRemediatorDatabase(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PersistenceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersistenceOptions>, PersistenceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<DatabaseMetrics>();
        services.TryAddSingleton<IDatabaseConnectionFactory, DatabaseConnectionFactory>();
        services.TryAddSingleton<DatabaseMigrator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DatabaseMigrationService>());
        return services;
    }

    /// <summary>Durable alert claims (their table and the purge of expired ones); needs <see cref="AddRemediatorDatabase"/>.</summary>
    public static IServiceCollection AddDatabaseAlertClaims(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDatabaseMigration(DatabaseAlertClaims.Migration);
        services.TryAddSingleton<DatabaseAlertClaims>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AlertClaimPurgeService>());
        return services;
    }

    /// <summary>The durable step journal (its tables); needs <see cref="AddRemediatorDatabase"/>.</summary>
    public static IServiceCollection AddDatabaseStepJournal(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDatabaseMigration(Steps.DatabaseStepJournal.Migration);
        services.TryAddSingleton<Steps.DatabaseStepJournal>();

        // An attempt that began before the retention period ended long ago (its deadline is minutes).
        services.AddDatabaseRetention(new RetentionRule("step_journal", "began_at"));
        services.AddDatabaseRetention(new RetentionRule("step_journal_seals", "sealed_at"));
        return services;
    }

    /// <summary>
    /// Adds a schema change that <see cref="DatabaseMigrator"/> applies at startup (once per
    /// database; see <see cref="IDatabaseMigration.Id"/> for naming and order).
    /// </summary>
    public static IServiceCollection AddDatabaseMigration(this IServiceCollection services, IDatabaseMigration migration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(migration);
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(IDatabaseMigration)
            && descriptor.ImplementationInstance is IDatabaseMigration registered
            && registered.Id == migration.Id))
        {
            services.AddSingleton(migration);
        }

        return services;
    }

    // The binder's own error for an unknown enum name is an InvalidOperationException with a
    // stack trace; this reports it like every other invalid setting.
    private static void ThrowIfProviderInvalid(IConfigurationSection section)
    {
        var configured = section[nameof(PersistenceOptions.Provider)];
        if (!string.IsNullOrWhiteSpace(configured)
            && !(Enum.TryParse<DatabaseProvider>(configured, ignoreCase: true, out var provider) && Enum.IsDefined(provider)))
        {
            throw new OptionsValidationException(
                PersistenceOptions.SectionName,
                typeof(PersistenceOptions),
                [$"{PersistenceOptions.SectionName}:Provider must be Sqlite or Postgres (got '{configured}')."]);
        }
    }
}
