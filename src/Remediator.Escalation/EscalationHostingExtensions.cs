using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Escalation.Api;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Delivery;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Reconciliation;
using Remediator.Escalation.Secrets;
using Remediator.Persistence.Reconciliation;
using Remediator.Persistence.Retention;
using Remediator.Persistence.Sagas;

namespace Remediator.Escalation;

public static class EscalationHostingExtensions
{
    /// <summary>Where escalations live: one row per escalated remediation run, listed by state, target and rule.</summary>
    public static readonly SagaTableMapping<EscalationState> EscalationSagaTable = new()
    {
        TableName = "escalation_sagas",
        State = saga => saga.CurrentState,
        Key = saga => saga.Notice?.Target.ToString(),
        Group = saga => saga.Notice?.RuleName,

        // A successful run resolves the escalations of its rule and target: found by this indexed column.
        Lookup = new(saga => saga.RemediationCorrelationId),
    };

    /// <summary>
    /// <see cref="AddEscalation(IHostApplicationBuilder)"/> kept in the engine's database: the API
    /// lists escalations from <see cref="EscalationSagaTable"/>, the reconciler re-arms a paging
    /// escalation's missing tier timer, and ended escalations go after the retention period. The
    /// bus side is <see cref="AddDatabaseEscalation(IBusRegistrationConfigurator)"/>.
    /// </summary>
    public static IHostApplicationBuilder AddDatabaseEscalation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEscalation();
        builder.Services.Replace(ServiceDescriptor.Scoped<IEscalationQuery, DatabaseEscalationQuery>());
        builder.Services.AddEscalationReconciliation();
        builder.Services.AddDatabaseRetention(EscalationSagaTable.Retention(
        [
            nameof(EscalationStateMachine.Acknowledged),
            nameof(EscalationStateMachine.Resolved),
            nameof(EscalationStateMachine.Unrouted),
        ]));
        return builder;
    }

    /// <summary>The escalation saga on the engine's bus, stored in <see cref="EscalationSagaTable"/>; its tier timers go to the bus's durable scheduler.</summary>
    public static IBusRegistrationConfigurator AddDatabaseEscalation(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        return bus.AddEscalation(saga => saga.DatabaseRepository(EscalationSagaTable));
    }

    /// <summary>
    /// <see cref="AddEscalationServices"/> with options bound to <c>Remediator:Escalation</c>. The bus
    /// side is <see cref="AddEscalation(IBusRegistrationConfigurator, Action{ISagaRegistrationConfigurator{EscalationState}}?)"/>.
    /// </summary>
    public static IHostApplicationBuilder AddEscalation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.SectionName);
        builder.Services.AddEscalationServices();
        return builder;
    }

    /// <summary>
    /// Policies (loaded at start, hot-reloaded), secrets, the channels and their retry pipelines,
    /// metrics and time. Options are validated at start.
    /// </summary>
    public static IServiceCollection AddEscalationServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EscalationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EscalationOptions>, EscalationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EscalationMetrics>();
        services.TryAddScoped<IEscalationQuery, RepositoryEscalationQuery>();
        services.TryAddSingleton<EscalationPolicyProvider>();
        services.TryAddSingleton<IEscalationPolicyProvider>(sp => sp.GetRequiredService<EscalationPolicyProvider>());
        services.AddHostedService(sp => sp.GetRequiredService<EscalationPolicyProvider>());
        services.TryAddSingleton<ISecretResolver, SecretResolver>();
        services.TryAddSingleton<DeliveryPipelines>();

        // No request logging on this client: Slack and Teams webhook URLs are secrets.
        services.AddHttpClient(HttpDelivery.ClientName).RemoveAllLoggers();
        services.TryAddSingleton<HttpDelivery>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationChannel, PagerDutyChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationChannel, SlackChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationChannel, TeamsChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationChannel, OpsgenieChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationChannel, WebhookChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEscalationChannel, EmailChannel>());
        return services;
    }

    /// <summary>
    /// The escalation's repair of missing tier timers (<see cref="EscalationReconciler"/>), run by
    /// the engine's reconciler. Needs the escalation saga in the engine's database
    /// (<c>DatabaseRepository</c>) and the transactional outbox.
    /// </summary>
    public static IServiceCollection AddEscalationReconciliation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReconcilerRepair, EscalationReconciler>());
        return services;
    }

    /// <summary>
    /// The escalation saga, the delivery consumer and the notify consumer. The saga's repository is
    /// MassTransit's in-memory one unless <paramref name="repository"/> configures another (the
    /// durable repository plugs in here). The bus needs a message scheduler for the tier timers.
    /// </summary>
    public static IBusRegistrationConfigurator AddEscalation(this IBusRegistrationConfigurator bus, Action<ISagaRegistrationConfigurator<EscalationState>>? repository = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var saga = bus.AddSagaStateMachine<EscalationStateMachine, EscalationState, EscalationStateDefinition>();
        if (repository is null)
        {
            saga.InMemoryRepository();
        }
        else
        {
            repository(saga);
        }

        bus.AddConsumer<DeliverEscalationConsumer, DeliverEscalationConsumerDefinition>();
        bus.AddConsumer<NotificationRequestedConsumer>();
        return bus;
    }
}
