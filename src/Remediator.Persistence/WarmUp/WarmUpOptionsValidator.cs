using Microsoft.Extensions.Options;

namespace Remediator.Persistence.WarmUp;

public sealed class WarmUpOptionsValidator : IValidateOptions<WarmUpOptions>
{
    /// <summary>A readiness probe gives up long before this; a longer warm-up is a mistake.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, WarmUpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout
            ? ValidateOptionsResult.Fail($"{WarmUpOptions.SectionName}:Timeout must be positive and at most {MaxTimeout} (got {options.Timeout}); the default is 00:00:30.")
            : ValidateOptionsResult.Success;
    }
}
