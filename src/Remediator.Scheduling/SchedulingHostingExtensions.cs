using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling;

public static class SchedulingHostingExtensions
{
    /// <summary>
    /// The timer store chosen by <c>Remediator:Scheduling:Store</c> and the <see cref="DueMessageDispatcher"/>
    /// that sends due timers. The bus side is <see cref="SchedulingBusExtensions.AddRemediatorMessageScheduler"/>.
    /// Call after <c>AddMassTransit</c>: hosted services start in registration order, and the dispatcher
    /// sends through the bus from its first poll.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorScheduling(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SchedulingOptions>()
            .Bind(builder.Configuration.GetSection(SchedulingOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddRemediatorSchedulingCore();
        return builder;
    }

    /// <summary>What <see cref="AddRemediatorScheduling"/> registers besides configuration binding; shared with test hosts.</summary>
    public static IServiceCollection AddRemediatorSchedulingCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SchedulingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScheduledMessageStore>(provider => CreateStore(provider.GetRequiredService<IOptions<SchedulingOptions>>().Value));
        services.AddHostedService<DueMessageDispatcher>();
        return services;
    }

    private static IScheduledMessageStore CreateStore(SchedulingOptions options) => options.Store switch
    {
        ScheduledMessageStoreKind.Sqlite => new Storage.SqliteScheduledMessageStore(options.ConnectionString!),
        ScheduledMessageStoreKind.PostgreSql => new Storage.PostgresScheduledMessageStore(options.ConnectionString!),
        _ => new InMemoryScheduledMessageStore(),
    };
}
