using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Remediator.Guards;
using Remediator.Kubernetes;
using Remediator.Kubernetes.Connection;
using Remediator.Persistence;
using Remediator.Persistence.Retention;
using Remediator.Persistence.Sagas;
using Remediator.Persistence.WarmUp;
using Remediator.Sagas.Api;
using Remediator.Sagas.Effectiveness;
using Remediator.Sagas.Joins;
using Remediator.Sagas.Reconciliation;
using Remediator.Sagas.Steps;
using Remediator.Sagas.Verification;

namespace Remediator.Sagas;

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
    /// What the remediation saga needs besides the bus, on the engine's database (call after
    /// <c>AddRemediatorPersistence</c>): the Kubernetes actions, the saga's services and options
    /// (<c>Remediator:Sagas</c>, <c>Remediator:Prometheus</c>), the API's query over the saga
    /// table, the durable step journal and the retention of finished runs. The bus side is
    /// <see cref="AddRemediationSagaToBus"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorSagas(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddKubernetes();

        // With no cluster to act on (Kubernetes mode auto outside a pod, or dryrun), every run is a
        // dry run from the start: the guards say so before taking a slot or counting an attempt,
        // and the saga skips verification instead of waiting for an alert no action will resolve.
        builder.Services.AddOptions<GuardOptions>().PostConfigure<ResolvedConnection>((options, connection) => options.DryRun |= connection.DryRun);
        builder.Services.AddRemediationSagaServices();
        builder.Services.AddOptions<RemediationSagaOptions>().BindConfiguration(RemediationSagaOptions.SectionName);
        builder.Services.AddOptions<PrometheusOptions>().BindConfiguration(PrometheusOptions.SectionName);
        builder.Services.Replace(ServiceDescriptor.Scoped<IRemediationQuery, DatabaseRemediationQuery>());

        // Alerts for an active run join it at the webhook, as rows of the engine's database.
        builder.Services.AddDatabaseMigration(DatabaseRunJoinStore.Migration);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRunJoinStore, DatabaseRunJoinStore>());

        // Steps write ahead to the database, so one redelivered after an engine died never acts twice.
        builder.Services.AddDatabaseMigration(DatabaseStepJournal.Migration);
        builder.Services.TryAddSingleton<DatabaseStepJournal>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IStepJournal, DurableStepJournal>());

        // A fresh engine's first remediations otherwise pay for loading the saga's code and serializers.
        builder.Services.AddWarmUp<RemediationWarmUp>();

        // An attempt that began before the retention period ended long ago (its deadline is minutes).
        builder.Services.AddDatabaseRetention(new RetentionRule("step_journal", "began_at"));
        builder.Services.AddDatabaseRetention(new RetentionRule("step_journal_seals", "sealed_at"));
        // Every replica checks that no unfinished run waits without a timer, and repairs what does.
        builder.AddRemediationReconciler();
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
