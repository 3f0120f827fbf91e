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

        if (options.HandOffLease <= TimeSpan.Zero || options.HandOffLease > options.LeaseDuration)
        {
            failures.Add($"{Section}:HandOffLease must be positive and not exceed LeaseDuration (got {options.HandOffLease} and {options.LeaseDuration}); the default is 00:00:05.");
        }

        if (options.DeleteInterval <= TimeSpan.Zero || options.DeleteInterval > options.HandOffLease / 2)
        {
            failures.Add($"{Section}:DeleteInterval must be positive and at most half of HandOffLease (got {options.DeleteInterval} and {options.HandOffLease}); the default is 00:00:00.250.");
        }

        if (options.BatchSize < 1)
        {
            failures.Add($"{Section}:BatchSize must be at least 1 (got {options.BatchSize}); the default is 100.");
        }

        if (options.SendConcurrency < 1)
        {
            failures.Add($"{Section}:SendConcurrency must be at least 1 (got {options.SendConcurrency}); the default is 16.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
