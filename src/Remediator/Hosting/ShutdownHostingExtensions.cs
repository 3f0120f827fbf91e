using Microsoft.Extensions.Options;
using Remediator.Observability.Health;

namespace Remediator.Hosting;

public static class ShutdownHostingExtensions
{
    /// <summary>
    /// The graceful shutdown (<c>Remediator:Shutdown</c>, validated at start): on SIGTERM the webhook
    /// answers 503 with <c>Retry-After</c> and <c>/readyz</c> reports draining for
    /// <see cref="ShutdownOptions.Drain"/>, then the server and the bus stop within
    /// <see cref="ShutdownOptions.Timeout"/> (the host's <c>ShutdownTimeout</c>).
    /// </summary>
    public static IHostApplicationBuilder AddRemediatorShutdown(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ShutdownOptions>()
            .BindConfiguration(ShutdownOptions.SectionName)
            .Validate(o => o.Drain >= TimeSpan.Zero, $"{ShutdownOptions.SectionName}:Drain must not be negative.")
            .Validate(o => o.Timeout > o.Drain, $"{ShutdownOptions.SectionName}:Timeout must be longer than Drain (the drain is part of it).")
            .ValidateOnStart();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        builder.Services.AddHostedService<DrainOnShutdown>();
        builder.Services.AddHealthChecks().AddCheck<DrainingHealthCheck>("draining", tags: [HealthTags.Ready]);
        return builder;
    }
}
