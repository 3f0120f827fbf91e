using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Remediator.Persistence.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>Keeps <paramref name="rule"/>'s table bounded (the purge runs once for all rules); needs <see cref="PersistenceServiceCollectionExtensions.AddRemediatorDatabase"/>.</summary>
    public static IServiceCollection AddDatabaseRetention(this IServiceCollection services, RetentionRule rule)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rule);
        services.AddMetrics();
        services.AddSingleton(rule);
        services.TryAddSingleton<DatabaseRetention>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DatabaseRetention>(provider => provider.GetRequiredService<DatabaseRetention>()));
        return services;
    }
}
