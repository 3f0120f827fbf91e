using Microsoft.Extensions.Options;

namespace Remediator.Engine.Alerts;

public sealed class DeduplicationOptionsValidator : IValidateOptions<DeduplicationOptions>
{
    public ValidateOptionsResult Validate(string? name, DeduplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Window <= TimeSpan.Zero)
        {
            failures.Add($"{DeduplicationOptions.SectionName}:Window must be positive (got {options.Window}); the default is 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
