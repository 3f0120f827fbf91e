using Microsoft.Extensions.Options;

namespace Remediator.Escalation;

/// <summary>Checks <see cref="EscalationOptions"/> at start-up, reporting every bad value at once.</summary>
public sealed class EscalationOptionsValidator : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = EscalationOptions.SectionName;
        if (options.PublicBaseUrl is { } url && !(url.IsAbsoluteUri && url.Scheme is "http" or "https"))
        {
            failures.Add($"{Section}:PublicBaseUrl must be an absolute http(s) URL.");
        }

        if (options.WatchDebounce < TimeSpan.Zero)
        {
            failures.Add($"{Section}:WatchDebounce must not be negative.");
        }

        var delivery = options.Delivery;
        if (delivery.MaxRetries is < 0 or > 20)
        {
            failures.Add($"{Section}:Delivery:MaxRetries must be between 0 and 20.");
        }

        if (delivery.BaseDelay <= TimeSpan.Zero || delivery.MaxDelay < delivery.BaseDelay)
        {
            failures.Add($"{Section}:Delivery:BaseDelay must be positive and MaxDelay at least BaseDelay.");
        }

        if (delivery.AttemptTimeout <= TimeSpan.Zero || delivery.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{Section}:Delivery:AttemptTimeout must be positive and MaxRetryAfter not negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
