using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Intake.Reconcile;
using Remediator.Persistence.WarmUp;

namespace Remediator.Intake;

public static class IntakeHostingExtensions
{
    /// <summary>
    /// The webhook's options (validated at startup), authenticator and the start-up line saying
    /// who it answers, and <see cref="AlertIntake"/>, the path every alert takes. An <see cref="IAlertPublisher"/>
    /// must come from elsewhere (the engine's bus). Reconciling with Alertmanager is
    /// <see cref="ReconcileHostingExtensions.AddAlertmanagerReconcile"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorIntake(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(WebhookOptions.SectionName))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        builder.Services.TryAddSingleton<WebhookAuthenticator>();
        builder.Services.AddHostedService<WebhookAccessLog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<IntakeMetrics>();
        builder.Services.TryAddScoped<AlertIntake>();
        builder.Services.TryAddSingleton<AlertmanagerReconcileTrigger>();
        builder.Services.AddWarmUp<WebhookWarmUp>();
        builder.Services.AddProblemDetails();
        return builder;
    }
}
