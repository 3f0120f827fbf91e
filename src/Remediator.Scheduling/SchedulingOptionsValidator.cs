using Microsoft.Extensions.Options;

namespace Remediator.Scheduling;

/// <summary>Fails startup with a message naming the setting to fix.</summary>
public sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = SchedulingOptions.SectionName;
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:PollInterval must be positive (got {options.PollInterval}); the default is 00:00:01.");
        }

        if (options.LeaseDuration <= options.PollInterval)
        {
            failures.Add($"{Section}:LeaseDuration must exceed PollInterval (got {options.LeaseDuration} and {options.PollInterval}); the default is 00:00:30.");
        }

        if (options.BatchSize < 1)
        {
            failures.Add($"{Section}:BatchSize must be at least 1 (got {options.BatchSize}); the default is 100.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
