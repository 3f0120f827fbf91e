using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Remediator.Guards;
using Remediator.Kubernetes;
using Remediator.Kubernetes.Connection;
using Remediator.Persistence;
using Remediator.Persistence.Retention;
using Remediator.Persistence.Sagas;
using Remediator.Sagas;
using Remediator.Sagas.Api;
using Remediator.Sagas.Effectiveness;
using Remediator.Sagas.Steps;

namespace Remediator.Hosting;

public static class SagaHostingExtensions
{
    /// <summary>Where the remediation sagas live: one row per (rule, target), listed by state, target and rule.</summary>
    public static readonly SagaTableMapping<RemediationState> RemediationSagaTable = new()
    {
        TableName = "remediation_sagas",
        State = saga => saga.CurrentState,
        Key = saga => saga.Run.Target?.ToString(),
        Group = saga => saga.Run.RuleName,
    };

    /// <summary>
    /// What the remediation saga needs besides the bus: the Kubernetes actions, the saga's
    /// services, the guards as its gate (call after <c>AddRemediatorGuards</c>), the API's
    /// query over the saga table and the durable step journal. The bus side
    /// is <see cref="AddRemediationSagaToBus"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorSagas(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddKubernetes();

        // With no cluster to act on (Kubernetes mode auto outside a pod, or dryrun), every run is a
        // dry run from the start: the guards say so before taking a slot or counting an attempt,
        // and the saga skips verification instead of waiting for an alert no action will resolve.
        builder.Services.AddOptions<GuardOptions>().PostConfigure<ResolvedConnection>((options, connection) => options.DryRun |= connection.DryRun);
        builder.AddRemediationSagas();
        builder.Services.Replace(ServiceDescriptor.Scoped<IRemediationGate, GuardsRemediationGate>());
        builder.Services.Replace(ServiceDescriptor.Scoped<IRemediationQuery, DatabaseRemediationQuery>());

        // Steps write ahead to the database, so one redelivered after an engine died never acts twice.
        builder.Services.AddDatabaseStepJournal();
        builder.Services.Replace(ServiceDescriptor.Singleton<IStepJournal, DurableStepJournal>());

        // Every run's ending, for the effectiveness figures (GET /api/v1/rules/{name}/effectiveness),
        // kept for the retention period like the finished runs.
        builder.Services.AddDatabaseMigration(DatabaseRemediationHistory.Migration);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRemediationHistory, DatabaseRemediationHistory>());
        builder.Services.AddDatabaseRetention(new RetentionRule("remediation_history", "finished_at"));

        // A finished run's row goes after the retention period; the target's next alert starts afresh.
        builder.Services.AddDatabaseRetention(RemediationSagaTable.Retention(
        [
            nameof(RemediationStateMachine.Succeeded),
            nameof(RemediationStateMachine.Failed),
            nameof(RemediationStateMachine.Escalated),
            nameof(RemediationStateMachine.Cancelled),
            nameof(RemediationStateMachine.Refused),
            nameof(RemediationStateMachine.Idle),
        ]));
        return builder;
    }

    /// <summary>The saga on the engine's bus, stored in the Remediator database; its timers go to the bus's durable scheduler.</summary>
    public static void AddRemediationSagaToBus(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddRemediationSaga(saga => saga.DatabaseRepository(RemediationSagaTable));
    }
}
