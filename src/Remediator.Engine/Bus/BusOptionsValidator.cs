using Microsoft.Extensions.Options;

namespace Remediator.Engine.Bus;

/// <summary>Fails startup with a message naming the setting to fix.</summary>
public sealed class BusOptionsValidator : IValidateOptions<BusOptions>
{
    public ValidateOptionsResult Validate(string? name, BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PublishTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{BusOptions.SectionName}:PublishTimeout must be positive (got {options.PublishTimeout}); the default is 00:00:05.");
        }

        if (options.MaxBacklog < 1)
        {
            failures.Add($"{BusOptions.SectionName}:MaxBacklog must be at least 1 (got {options.MaxBacklog}); the default is 10000.");
        }

        if (options.BacklogCountInterval <= TimeSpan.Zero)
        {
            failures.Add($"{BusOptions.SectionName}:BacklogCountInterval must be positive (got {options.BacklogCountInterval}); the default is 00:00:01.");
        }

        if (options.Transport == BusTransport.RabbitMq)
        {
            var url = options.RabbitMq.Url;
            if (url is null)
            {
                failures.Add($"{BusOptions.SectionName}:RabbitMq:Url is required when {BusOptions.SectionName}:Transport is RabbitMq (e.g. amqp://user:password@rabbitmq:5672/remediator).");
            }
            else if (!url.IsAbsoluteUri || (url.Scheme != "amqp" && url.Scheme != "amqps"))
            {
                failures.Add($"{BusOptions.SectionName}:RabbitMq:Url must be an absolute amqp:// or amqps:// URL (got '{Redact(url)}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The URL without its password, which must not end up in logs.</summary>
    private static string Redact(Uri url) =>
        url.IsAbsoluteUri && url.UserInfo.Length > 0
            ? new UriBuilder(url) { Password = "***" }.Uri.ToString()
            : url.OriginalString;
}
