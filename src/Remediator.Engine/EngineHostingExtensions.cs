using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Engine.Alerts;
using Remediator.Engine.Bus;
using Remediator.Engine.Rules;
using Remediator.Intake;
using Remediator.Persistence;
using Remediator.Persistence.WarmUp;
using Remediator.Scheduling;
using Remediator.Scheduling.Outbox;

namespace Remediator.Engine;

public static class EngineHostingExtensions
{
    /// <summary>
    /// The MassTransit bus (in-memory or RabbitMQ per <c>Remediator:Bus:Transport</c>) and the
    /// intake's <see cref="IAlertPublisher"/> with the <c>alert_claims</c> table it claims alerts in
    /// (call after <c>AddRemediatorPersistence</c>). Call after <see cref="AddRemediatorRules"/> so the
    /// rules are loaded before alerts are matched. <paramref name="configure"/> registers what the
    /// host composes on the same bus (the sagas).
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(BusOptions.SectionName);
        builder.Services.AddOptions<BusOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddOptions<DeduplicationOptions>().Bind(builder.Configuration.GetSection(DeduplicationOptions.SectionName));
        builder.Services.AddRemediatorEngineCore();

        // The webhook's alerts are claimed, matched and turned into outbox messages in one
        // transaction (OutboxAlertPublisher); claims live in the alert_claims table, shared by every
        // engine replica on the database and purged once expired (Remediator:Persistence:PurgeInterval).
        builder.Services.AddDatabaseMigration(DatabaseAlertClaims.Migration);
        builder.Services.TryAddSingleton<DatabaseAlertClaims>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AlertClaimPurgeService>());
        builder.Services.TryAddSingleton<AlertTriage>();
        builder.Services.TryAddScoped<IAlertPublisher, OutboxAlertPublisher>();
        builder.Services.TryAddSingleton<OutboxBacklogGate>();
        builder.Services.AddWarmUp<AlertPathWarmUp>();

        // The transport decides which registrations exist, so it is read now rather than from
        // the options at runtime.
        var transport = ReadTransport(section);

        // In-memory queues die with the process: there, an outbox row waits for its consumers' receipts.
        builder.Services.AddSingleton(new DurableConsumers(countReceipts: transport == BusTransport.InMemory));
        // One formatter names every queue, the scheduler's included (its address is derived from it).
        var formatter = KebabCaseEndpointNameFormatter.Instance;
        var usageTelemetry = section.GetValue(nameof(BusOptions.UsageTelemetry), new BusOptions().UsageTelemetry);
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit reports usage to its vendor unless told not to; opting in is the user's call.
            if (!usageTelemetry)
            {
                bus.DisableUsageTelemetry();
            }

            bus.SetEndpointNameFormatter(formatter);
            configure?.Invoke(bus);
            bus.AddRemediatorMessageScheduler(formatter);
            if (transport == BusTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    var settings = context.GetRequiredService<IOptions<BusOptions>>().Value;
                    rabbit.Host(settings.RabbitMq.Url!, host => host.PublisherConfirmation = true);

                    // Queues and exchanges survive a broker restart; messages are published persistent.
                    rabbit.Durable = true;
                    rabbit.AutoDelete = false;

                    // Timers go to the store-backed scheduler: the broker has no delayed-message plugin.
                    rabbit.UseRemediatorMessageScheduler(formatter);
                    rabbit.UseTransactionalOutbox(context);
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    memory.UseRemediatorMessageScheduler(formatter);
                    memory.UseTransactionalOutbox(context);
                    memory.ConfigureEndpoints(context);
                });
            }
        });

        // The scheduler endpoint's store and the dispatcher of due timers (Remediator:Scheduling),
        // registered after the bus so the dispatcher starts once the bus can send.
        builder.AddRemediatorScheduling();
        return builder;
    }

    /// <summary>
    /// The rule set provider (loads at startup, watches the files) and the alert matcher over it.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RulesOptions>()
            .Bind(builder.Configuration.GetSection(RulesOptions.SectionName))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>());
        builder.Services.AddRemediatorEngineCore();
        builder.Services.TryAddSingleton<IRuleSetLoader, RuleFileLoader>();
        builder.Services.TryAddSingleton<RuleSetProvider>();
        builder.Services.TryAddSingleton<IRuleSetProvider>(provider => provider.GetRequiredService<RuleSetProvider>());
        builder.Services.AddHostedService(provider => provider.GetRequiredService<RuleSetProvider>());
        builder.Services.TryAddSingleton<IAlertMatcher, RuleSetAlertMatcher>();
        return builder;
    }

    /// <summary>
    /// What the alert path needs besides rules: de-duplication's options, metrics and time. Options
    /// keep their documented defaults unless bound elsewhere.
    /// </summary>
    public static IServiceCollection AddRemediatorEngineCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DeduplicationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeduplicationOptions>, DeduplicationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BusOptions>, BusOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<RemediatorMetrics>();
        return services;
    }

    private static BusTransport ReadTransport(IConfigurationSection section)
    {
        var configured = section[nameof(BusOptions.Transport)];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return BusTransport.InMemory;
        }

        return Enum.TryParse<BusTransport>(configured, ignoreCase: true, out var transport) && Enum.IsDefined(transport)
            ? transport
            : throw new OptionsValidationException(
                BusOptions.SectionName,
                typeof(BusOptions),
                [$"{BusOptions.SectionName}:Transport must be InMemory or RabbitMq (got '{configured}')."]);
    }
}
