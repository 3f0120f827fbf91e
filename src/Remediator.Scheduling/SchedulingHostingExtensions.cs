using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Persistence;
using Remediator.Persistence.Retention;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling;

public static class SchedulingHostingExtensions
{
    /// <summary>
    /// Timers in the engine's database (<c>Remediator:Persistence</c>; their table is a migration applied at
    /// startup), options from <c>Remediator:Scheduling</c>, and the <see cref="DueMessageDispatcher"/> that
    /// sends due timers. The bus side is <see cref="SchedulingBusExtensions.AddRemediatorMessageScheduler"/>.
    /// Call after <c>AddMassTransit</c>: hosted services start in registration order, and the dispatcher
    /// sends through the bus from its first poll.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorScheduling(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SchedulingOptions>().Bind(builder.Configuration.GetSection(SchedulingOptions.SectionName));
        builder.Services.AddRemediatorDatabase();
        builder.Services.AddDatabaseMigration(DatabaseScheduledMessageStore.Migration);
        builder.Services.AddDatabaseMigration(DatabaseScheduledMessageStore.OutboxMigration);
        builder.Services.AddDatabaseMigration(DatabaseScheduledMessageStore.AvailableAtMigration);

        // A redelivery comes within minutes of the first delivery; the inbox need not remember longer than the retention period.
        builder.Services.AddDatabaseRetention(DatabaseScheduledMessageStore.InboxRetention);
        builder.Services.TryAddSingleton<TransactionalOutbox>();
        builder.Services.TryAddSingleton<OutboxPublisher>();
        builder.Services.TryAddSingleton<IScheduledMessageStore, DatabaseScheduledMessageStore>();
        builder.Services.AddRemediatorSchedulingCore();
        return builder;
    }

    /// <summary>
    /// The options (validated at start) and the dispatcher, without a store: test hosts register their
    /// own <see cref="IScheduledMessageStore"/> (e.g. <see cref="InMemoryScheduledMessageStore"/>).
    /// </summary>
    public static IServiceCollection AddRemediatorSchedulingCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SchedulingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<SentMessages>();
        services.AddMetrics();
        services.TryAddSingleton<OutboxMetrics>();
        // A host that knows its transport registers its own (the in-memory one counts receipts).
        services.TryAddSingleton(new DurableConsumers(countReceipts: false));
        services.AddHostedService<DueMessageDispatcher>();
        return services;
    }
}
