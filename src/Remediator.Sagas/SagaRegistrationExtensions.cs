using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Guards;
using Remediator.Sagas.Activities;
using Remediator.Sagas.Api;
using Remediator.Sagas.Joins;
using Remediator.Sagas.Steps;
using Remediator.Sagas.Verification;

namespace Remediator.Sagas;

public static class SagaRegistrationExtensions
{
    /// <summary>
    /// The saga and its step activity. The repository is MassTransit's in-memory one unless
    /// <paramref name="repository"/> configures another (the durable repository plugs in here).
    /// The bus needs a message scheduler for the approval and verification timers.
    /// </summary>
    public static IBusRegistrationConfigurator AddRemediationSaga(this IBusRegistrationConfigurator bus, Action<ISagaRegistrationConfigurator<RemediationState>>? repository = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var saga = bus.AddSagaStateMachine<RemediationStateMachine, RemediationState, RemediationStateDefinition>();
        if (repository is null)
        {
            saga.InMemoryRepository();
        }
        else
        {
            repository(saga);
        }

        bus.AddActivity<ExecuteStepActivity, ExecuteStepArguments, ExecuteStepLog, ExecuteStepActivityDefinition>();
        return bus;
    }

    /// <summary>
    /// What the saga needs besides the bus: options (<c>Remediator:Sagas</c> when bound), the
    /// guards (in memory unless their durable state is registered), the state machine's
    /// activities, the API's query port (over the saga repository unless a durable store
    /// registers its own) and time. The Kubernetes executor comes from <c>AddKubernetes</c>.
    /// </summary>
    public static IServiceCollection AddRemediationSagaServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RemediationSagaOptions>()
            .Validate(o => o.ApprovalTimeout > TimeSpan.Zero, $"{RemediationSagaOptions.SectionName}:ApprovalTimeout must be positive.")
            .Validate(o => o.ExecutionGrace > TimeSpan.Zero, $"{RemediationSagaOptions.SectionName}:ExecutionGrace must be positive.")
            .Validate(o => o.RootWaitTimeout > TimeSpan.Zero && o.CascadeSettle > TimeSpan.Zero, $"{RemediationSagaOptions.SectionName}:RootWaitTimeout and CascadeSettle must be positive.")
            .Validate(o => o.MaxConcurrentSteps is >= 1 and <= 4096, $"{RemediationSagaOptions.SectionName}:MaxConcurrentSteps must be between 1 and 4096.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<RemediationStepMetrics>();
        services.TryAddSingleton<RemediationRetryObserver>();
        services.AddRemediatorGuardServices();

        // The state machine's side effects, resolved from the scope of the message being handled.
        services.TryAddScoped<RecordFiringActivity>();
        services.TryAddScoped<BeginRunActivity>();
        services.TryAddScoped<AdmitActivity>();
        services.TryAddScoped<StartAttemptActivity>();
        services.TryAddScoped<StartVerificationActivity>();
        services.TryAddScoped<StartRestoreActivity>();
        services.TryAddScoped<StartUndoActivity>();
        services.TryAddScoped<AssessUndoActivity>();
        services.TryAddScoped<SealAttemptActivity>();
        services.TryAddScoped<ReleaseGuardSlotActivity>();
        services.TryAddScoped<RecordHistoryActivity>();
        services.TryAddScoped<TellDependentsActivity>();
        services.TryAddScoped<OpenJoinsActivity>();
        services.TryAddScoped<CloseJoinsActivity>();
        services.TryAddScoped<FoldJoinsActivity>();
        services.TryAddSingleton<IRunJoinStore, InMemoryRunJoinStore>();
        services.TryAddSingleton<IRunJoins, RunJoins>();
        services.TryAddSingleton<IStepJournal, InMemoryStepJournal>();
        services.TryAddSingleton<Effectiveness.IRemediationHistory, Effectiveness.InMemoryRemediationHistory>();
        services.TryAddScoped<IRemediationQuery, SagaRepositoryRemediationQuery>();
        services.AddOptions<PrometheusOptions>()
            .Validate(o => o.Url is null || (o.Url.IsAbsoluteUri && o.Url.Scheme is "http" or "https"), $"{PrometheusOptions.SectionName}:Url must be an absolute http(s) URL.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.RequestTimeout > TimeSpan.Zero, $"{PrometheusOptions.SectionName}: every duration must be positive.")
            .ValidateOnStart();
        services.AddHttpClient<IPrometheusQuery, PrometheusQueryClient>();
        services.TryAddTransient<PromQlCondition>();
        return services;
    }
}
