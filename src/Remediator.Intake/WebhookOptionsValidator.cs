using Microsoft.Extensions.Options;

namespace Remediator.Intake;

/// <summary>Rejects webhook settings that would silently weaken or break the endpoint.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    /// <summary>Quoted in the messages, so the documented default is read from one place.</summary>
    private static readonly WebhookOptions _defaults = new();

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

        RequirePositive(options.MaxAlertsPerNotification, nameof(WebhookOptions.MaxAlertsPerNotification), _defaults.MaxAlertsPerNotification, failures);
        RequirePositive(options.MaxFingerprintLength, nameof(WebhookOptions.MaxFingerprintLength), _defaults.MaxFingerprintLength, failures);
        RequirePositive(options.MaxLabelNameLength, nameof(WebhookOptions.MaxLabelNameLength), _defaults.MaxLabelNameLength, failures);
        RequirePositive(options.MaxLabelValueLength, nameof(WebhookOptions.MaxLabelValueLength), _defaults.MaxLabelValueLength, failures);

        // Either credentials are checked or nobody's are: allowing both would leave a reader of
        // the configuration guessing which one wins.
        if (options.AllowAnonymous && options.HasCredentials)
        {
            failures.Add($"{WebhookOptions.Key(nameof(WebhookOptions.AllowAnonymous))} cannot be true while BearerToken or BasicAuth is set: credentials would no longer be required. Remove one or the other.");
        }

        if (options.RetryAfter <= TimeSpan.Zero)
        {
            failures.Add($"{WebhookOptions.SectionName}:RetryAfter must be positive (got {options.RetryAfter}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(int value, string setting, int defaultValue, List<string> failures)
    {
        if (value <= 0)
        {
            failures.Add($"{WebhookOptions.Key(setting)} must be positive (got {value}); the default is {defaultValue}.");
        }
    }
}
