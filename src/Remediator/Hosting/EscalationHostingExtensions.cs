using Microsoft.Extensions.Options;
using Remediator.Engine.Rules;
using Remediator.Escalation;
using Remediator.Escalation.Policies;
using Remediator.Kubernetes.Actions;

namespace Remediator.Hosting;

public static class EscalationHostingExtensions
{
    /// <summary>
    /// Escalation kept in the engine's database (<see cref="Escalation.EscalationHostingExtensions.AddDatabaseEscalation(IHostApplicationBuilder)"/>),
    /// its policies read from <c>escalation.yaml</c> in the rules directory unless
    /// <c>Remediator:Escalation:Path</c> names another file, and its dashboard URL shared with the
    /// steps' Kubernetes Events.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorEscalation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDatabaseEscalation();
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
}
