using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Engine.Alerts;

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
}
