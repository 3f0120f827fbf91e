using Microsoft.Extensions.Options;

namespace Remediator.Engine.Rules;

public sealed class RulesOptionsValidator : IValidateOptions<RulesOptions>
{
    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{RulesOptions.SectionName}:Path must name a directory or file of rules; the default is 'rules'.");
        }

        if (options.WatchDebounce <= TimeSpan.Zero || options.WatchDebounce > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{RulesOptions.SectionName}:WatchDebounce must be between 0 and 1 minute (got {options.WatchDebounce}); the default is 00:00:00.5.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
