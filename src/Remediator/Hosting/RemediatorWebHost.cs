using Microsoft.Extensions.Options;
using Remediator.Api;
using Remediator.Backtest;
using Remediator.Dashboard;
using Remediator.Engine;
using Remediator.Engine.Rules;
using Remediator.Escalation;
using Remediator.Escalation.Api;
using Remediator.Escalation.Policies;
using Remediator.Guards;
using Remediator.Guards.Api;
using Remediator.Intake;
using Remediator.Intake.Reconcile;
using Remediator.Kubernetes;
using Remediator.Observability;
using Remediator.Observability.Telemetry;
using Remediator.Persistence;
using Remediator.Persistence.WarmUp;
using Remediator.Sagas;
using Remediator.Sagas.Api;
using Remediator.Sagas.Effectiveness;
using Remediator.Security;

namespace Remediator.Hosting;

/// <summary>The engine as a web service: webhook, API, health, bus consumers and rule watching.</summary>
public static class RemediatorWebHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = ContentRootIsConfigured(args) ? null : AppContext.BaseDirectory,
        });
        builder.AddRemediatorLogging();
        builder.AddRemediatorTelemetry();
        builder.UseRemediatorDefaultUrl();
        builder.AddRemediatorJson();
        builder.AddRemediatorIntake();

        // Durable state (SQLite by default, PostgreSQL when configured): the schema is migrated
        // while the host starts, before the bus consumes anything. Alert claims and the guards'
        // state live there, shared by every engine replica on the database.
        builder.AddRemediatorPersistence();
        builder.AddRemediatorDurableGuardState();

        // Rules before the bus: hosted services start in registration order, and no alert may be
        // matched before the rules are in force.
        builder.AddRemediatorRules();
        builder.AddRemediatorBus(bus =>
        {
            bus.AddRemediationSagaToBus();
            bus.AddRemediatorObservability();
            bus.AddDatabaseEscalation();
            bus.AddKubernetesEvents();
        });
        builder.AddRemediatorGuards();

        // After the bus: the start-up round hands what the webhook missed to the bus's outbox.
        builder.AddAlertmanagerReconcile();

        // A RemediationRequested starts (or joins) the target's saga run, gated by the guards.
        builder.AddRemediatorSagas();
        builder.AddRemediatorOperations();
        builder.AddRemediatorEscalation();

        // On SIGTERM: 503 with Retry-After and "draining" while in-flight work finishes.
        builder.AddRemediatorShutdown();

        // Last: each module's warm-up runs once the others have started (schema, rules, bus) and
        // before the web server listens, so the first alerts meet compiled code.
        builder.AddRemediatorWarmUp();

        var app = builder.Build();

        app.UseRemediatorRequestLogging();

        // Errors outside the endpoints (500, 404, 405) are problem+json too, like the endpoints' own.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestTimeouts();
        app.MapAlertsEndpoints();
        var api = app.MapRemediatorApi();
        api.MapRemediationsEndpoints();
        api.MapEscalationEndpoints();
        api.MapRulesEndpoints();
        api.MapEffectivenessEndpoints();
        api.MapBacktestEndpoints();
        api.MapPauseEndpoints();
        app.MapRemediatorOperations();
        app.MapRemediatorDashboard();
        return app;
    }

    /// <summary>
    /// The content root defaults to the application's directory, where appsettings.json is, not
    /// the current directory: <c>dotnet run --project src/Remediator</c> from the repository root
    /// must still find its settings (the rules are looked up in the current directory first).
    /// </summary>
    private static bool ContentRootIsConfigured(string[] args) =>
        args.Any(arg => arg.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));

    /// <returns>The process exit code: 0 after a clean shutdown, 1 when the configuration or the rules are invalid.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var app = Build(args);

            // Validated up front so every invalid setting is reported together, before starting
            // the bus can trip over one of them.
            app.Services.GetService<IStartupValidator>()?.Validate();

            // Loaded here, before the host starts, so invalid rules end the process with the
            // list of errors instead of a host start-up failure and its stack trace.
            var rules = app.Services.GetRequiredService<RuleSetProvider>();
            var startup = rules.LoadAtStartup();
            if (!startup.Succeeded)
            {
                await error.WriteLineAsync($"remediator: refusing to start, the rules in {rules.RulesPath} have {startup.Errors.Count} errors:");
                foreach (var diagnostic in startup.Errors)
                {
                    await error.WriteLineAsync(diagnostic.ToString());
                }

                return 1;
            }

            // The escalation policies likewise: a broken policy file is a list of errors, not a crash.
            var policies = app.Services.GetRequiredService<EscalationPolicyProvider>();
            var escalation = policies.Reload("startup");
            if (!escalation.Succeeded)
            {
                await error.WriteLineAsync($"remediator: refusing to start, the escalation policies in {policies.PolicyPath} have {escalation.Errors.Count} errors:");
                foreach (var diagnostic in escalation.Errors)
                {
                    await error.WriteLineAsync(diagnostic.ToString());
                }

                return 1;
            }

            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await WriteConfigurationErrorsAsync(error, [ex]);
            return 1;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            // Start-up validation reports every invalid section at once.
            await WriteConfigurationErrorsAsync(error, ex.InnerExceptions.Cast<OptionsValidationException>());
            return 1;
        }
    }

    private static async Task WriteConfigurationErrorsAsync(TextWriter error, IEnumerable<OptionsValidationException> exceptions)
    {
        await error.WriteLineAsync("remediator: refusing to start, the configuration is invalid:");
        foreach (var failure in exceptions.SelectMany(exception => exception.Failures))
        {
            await error.WriteLineAsync($"  {failure}");
        }
    }
}
