using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Engine.Alerts;
using Remediator.Guards.State;
using Remediator.Persistence;

namespace Remediator.Hosting;

public static class PersistenceHostingExtensions
{
    /// <summary>
    /// Replaces the engine's in-memory de-duplication with <see cref="DatabaseAlertDeduplicator"/>
    /// (after <c>AddRemediatorPersistence</c>; before or after the bus).
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorDurableDeduplication(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IAlertDeduplicator, DatabaseAlertDeduplicator>());
        return builder;
    }

    /// <summary>
    /// Replaces the guards' in-memory state with <see cref="DatabaseGuardStateStore"/> and adds its
    /// tables to the startup migration (after <c>AddRemediatorPersistence</c>; before or after the
    /// guards): cooldowns, attempts, slots, pauses and the storm brake survive restarts and are
    /// shared by every engine replica on the database.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorDurableGuardState(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDatabaseMigration(DatabaseGuardStateStore.Migration);
        builder.Services.Replace(ServiceDescriptor.Singleton<IGuardStateStore, DatabaseGuardStateStore>());
        return builder;
    }
}
