using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Remediator.Persistence.WarmUp;

public static class WarmUpServiceCollectionExtensions
{
    /// <summary>A module's warm-up, run by <see cref="StartupWarmUp"/> in a scope of its own once the host composes it (<see cref="AddRemediatorWarmUp"/>).</summary>
    public static IServiceCollection AddWarmUp<TWarmUp>(this IServiceCollection services)
        where TWarmUp : class, IWarmUp
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IWarmUp, TWarmUp>());
        return services;
    }

    /// <summary>
    /// Runs the registered warm-ups while the host starts (<see cref="WarmUpOptions"/> bound from
    /// <c>Remediator:WarmUp</c>, validated at start). Call it last: hosted services start in
    /// registration order, and the warm-up runs after the others (migrations, rules, bus) and
    /// before the web server.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorWarmUp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WarmUpOptions>().Bind(builder.Configuration.GetSection(WarmUpOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WarmUpOptions>, WarmUpOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartupWarmUp>());
        return builder;
    }
}
