using Microsoft.Extensions.Options;

namespace Remediator.Security;

public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = ApiOptions.SectionName;
        if (!string.IsNullOrWhiteSpace(options.BearerToken) && options.BearerToken.Trim().Length < ApiOptions.MinimumTokenLength)
        {
            failures.Add($"{section}:BearerToken must be at least {ApiOptions.MinimumTokenLength} characters (generate one with `openssl rand -hex 32`).");
        }

        if (options.BearerTokens.Any(t => !string.IsNullOrWhiteSpace(t) && t.Trim().Length < ApiOptions.MinimumTokenLength))
        {
            failures.Add($"{section}:BearerTokens: every token must be at least {ApiOptions.MinimumTokenLength} characters.");
        }

        if (!string.IsNullOrWhiteSpace(options.BearerTokenFile) && !File.Exists(options.BearerTokenFile))
        {
            failures.Add($"{section}:BearerTokenFile: {options.BearerTokenFile} does not exist.");
        }

        if (string.IsNullOrWhiteSpace(options.GeneratedTokenPath))
        {
            failures.Add($"{section}:GeneratedTokenPath must not be empty.");
        }

        if (options.MaxRequestBodyBytes <= 0)
        {
            failures.Add($"{section}:MaxRequestBodyBytes must be positive.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:RequestTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
