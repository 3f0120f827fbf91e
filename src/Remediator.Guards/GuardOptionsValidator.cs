using Microsoft.Extensions.Options;

namespace Remediator.Guards;

internal sealed class GuardOptionsValidator : IValidateOptions<GuardOptions>
{
    public ValidateOptionsResult Validate(string? name, GuardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var section = GuardOptions.SectionName;
        var errors = new List<string>();
        if (options.MaxConcurrentRemediations < 1)
        {
            errors.Add($"{section}:MaxConcurrentRemediations must be at least 1 (got {options.MaxConcurrentRemediations}).");
        }

        if (options.Storm.Threshold < 1)
        {
            errors.Add($"{section}:Storm:Threshold must be at least 1 (got {options.Storm.Threshold}).");
        }

        if (options.Storm.Window <= TimeSpan.Zero)
        {
            errors.Add($"{section}:Storm:Window must be positive (got {options.Storm.Window}).");
        }

        if (options.MinimumAvailableReplicas < 0)
        {
            errors.Add($"{section}:MinimumAvailableReplicas must not be negative (got {options.MinimumAvailableReplicas}).");
        }

        if (!(options.MaxIsolatedShare is >= 0 and <= 1))
        {
            errors.Add($"{section}:MaxIsolatedShare must be between 0 and 1 (got {options.MaxIsolatedShare}).");
        }

        foreach (var ns in options.AllowedNamespaces.Concat(options.DeniedNamespaces).Where(ns => !NamespaceName.IsValid(ns)))
        {
            errors.Add($"{section}: '{ns}' is not a valid namespace name (lower-case letters, digits and '-', at most 63).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
