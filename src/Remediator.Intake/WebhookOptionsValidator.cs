using Microsoft.Extensions.Options;

namespace Remediator.Intake;

/// <summary>Rejects webhook settings that would silently weaken or break the endpoint.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBodyBytes <= 0)
        {
            failures.Add($"{WebhookOptions.SectionName}:MaxBodyBytes must be positive (got {options.MaxBodyBytes}); the default is 1048576.");
        }

        // A half-configured pair would either lock Alertmanager out or accept an empty password.
        if (options.BasicAuth.IsConfigured
            && (string.IsNullOrEmpty(options.BasicAuth.Username) || string.IsNullOrEmpty(options.BasicAuth.Password)))
        {
            failures.Add($"{WebhookOptions.SectionName}:BasicAuth needs both Username and Password, or neither.");
        }

        if (options.BasicAuth.Username?.Contains(':', StringComparison.Ordinal) == true)
        {
            failures.Add($"{WebhookOptions.SectionName}:BasicAuth:Username must not contain ':' (HTTP basic auth splits on the first colon).");
        }

        if (options.RetryAfter <= TimeSpan.Zero)
        {
            failures.Add($"{WebhookOptions.SectionName}:RetryAfter must be positive (got {options.RetryAfter}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
