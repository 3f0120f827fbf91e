using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Remediator.Intake;

/// <summary>
/// Says at every start who the webhook answers, so an engine open to anyone is never open
/// silently: whoever can post alerts can make it restart and scale workloads.
/// </summary>
public sealed partial class WebhookAccessLog(IOptions<WebhookOptions> options, ILogger<WebhookAccessLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.HasCredentials)
        {
            LogCredentials(logger);
        }
        else if (settings.AllowAnonymous)
        {
            LogAnonymous(logger, WebhookOptions.Key(nameof(WebhookOptions.AllowAnonymous)), WebhookOptions.Key(nameof(WebhookOptions.BearerToken)));
        }
        else
        {
            LogLoopbackOnly(logger, WebhookOptions.Key(nameof(WebhookOptions.BearerToken)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook: credentials are required from every caller")]
    private static partial void LogCredentials(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook: {Setting} is true, so ANY caller that can reach the engine can post alerts and start remediations without credentials; configure {CredentialSetting} (or BasicAuth) instead")]
    private static partial void LogAnonymous(ILogger logger, string setting, string credentialSetting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook: no credentials configured, so only loopback callers are accepted (others get 401); configure {CredentialSetting} (or BasicAuth) for Alertmanager on another host")]
    private static partial void LogLoopbackOnly(ILogger logger, string credentialSetting);
}
