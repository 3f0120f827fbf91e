using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Remediator.Engine.Rules;
using Remediator.Escalation;
using Remediator.Escalation.Api;
using Remediator.Escalation.Policies;
using Remediator.Kubernetes.Actions;
using Remediator.Persistence.Retention;
using Remediator.Persistence.Sagas;

namespace Remediator.Hosting;

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
    /// Escalation's services, its policies read from <c>escalation.yaml</c> in the rules directory
    /// unless <c>Remediator:Escalation:Path</c> names another file. The bus side is <see cref="AddEscalationToBus"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorEscalation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEscalation();
        builder.Services.Replace(ServiceDescriptor.Scoped<IEscalationQuery, DatabaseEscalationQuery>());
        // The reconciler re-arms a paging escalation's missing tier timer.
        builder.Services.AddEscalationReconciliation();
        builder.Services.AddDatabaseRetention(EscalationSagaTable.Retention(
        [
            nameof(EscalationStateMachine.Acknowledged),
            nameof(EscalationStateMachine.Resolved),
            nameof(EscalationStateMachine.Unrouted),
        ]));
        builder.Services.AddOptions<EscalationOptions>().PostConfigure<IOptions<RulesOptions>, IHostEnvironment>((options, rules, environment) =>
        {
            var rulesPath = RulesPathResolver.Resolve(rules.Value.Path, Directory.GetCurrentDirectory(), environment.ContentRootPath);
            var rulesDirectory = File.Exists(rulesPath) ? Path.GetDirectoryName(rulesPath)! : rulesPath;
            options.Path = options.Path is null
                ? Path.Combine(rulesDirectory, EscalationPolicyLoader.FileName)
                : Path.GetFullPath(options.Path);
        });

        // The dashboard's public URL, configured for the escalation messages, is the default of the
        // run links in the steps' Kubernetes Events: one setting serves both.
        builder.Services.AddOptions<KubernetesActionOptions>().PostConfigure<IOptions<EscalationOptions>>((actions, escalation) =>
            actions.DashboardBaseUrl ??= escalation.Value.PublicBaseUrl);
        return builder;
    }

    /// <summary>The escalation saga on the engine's bus, stored in the Remediator database; its tier timers go to the bus's durable scheduler.</summary>
    public static void AddEscalationToBus(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddEscalation(saga => saga.DatabaseRepository(EscalationSagaTable));
    }
}
