using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Persistence.Migrations;

namespace Remediator.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The database layer: <see cref="PersistenceOptions"/> bound from <c>Remediator:Persistence</c>
    /// and validated at start, <see cref="IDatabaseConnectionFactory"/>, the schema migrated while
    /// the host starts (before the bus consumes anything). Each module adds its own tables
    /// (<see cref="AddDatabaseMigration"/>) and retention rules.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorPersistence(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(PersistenceOptions.SectionName);
        ThrowIfProviderInvalid(section);
        builder.Services.AddOptions<PersistenceOptions>().Bind(section);
        builder.Services.AddRemediatorDatabase();
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
