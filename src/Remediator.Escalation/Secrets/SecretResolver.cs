using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Remediator.Escalation.Secrets;

/// <summary>
/// Resolves a secret from the configured sources only, the first that has it: configuration
/// <c>Remediator:Escalation:Secrets:NAME</c> (which includes its environment form
/// <c>Remediator__Escalation__Secrets__NAME</c>), then the environment variable
/// <see cref="EnvironmentVariable"/> (<c>REMEDIATOR_SECRET_</c> and the name in upper case), then
/// the file <c>NAME</c> in <see cref="EscalationOptions.SecretsDirectory"/>. Never any other
/// environment variable: whoever can edit escalation.yaml must not be able to send the engine's
/// database password or API token to a webhook. Read on every use, so a rotated secret takes
/// effect without a restart; values are never logged.
/// </summary>
public sealed class SecretResolver(IConfiguration configuration, IOptionsMonitor<EscalationOptions> options) : ISecretResolver
{
    public const string SectionName = EscalationOptions.SectionName + ":Secrets";

    /// <summary>The prefix of the environment variables secrets may come from.</summary>
    public const string EnvironmentPrefix = "REMEDIATOR_SECRET_";

    /// <summary>
    /// The environment variable a secret may come from: <see cref="EnvironmentPrefix"/> and the name
    /// in upper case with '-' and '.' as '_' (names are <c>[A-Za-z0-9_.-]</c>, variables cannot hold
    /// '-' in most shells): <c>pagerduty-routing-key</c> is <c>REMEDIATOR_SECRET_PAGERDUTY_ROUTING_KEY</c>.
    /// </summary>
    public static string EnvironmentVariable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return EnvironmentPrefix + string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_'));
    }

    public string? Resolve(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (configuration.GetSection(SectionName)[name] is { Length: > 0 } configured)
        {
            return configured;
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable(name)) is { Length: > 0 } environment)
        {
            return environment;
        }

        // Names are checked by the policy loader ([A-Za-z0-9_.-]); GetFileName also refuses '..' tricks.
        if (options.CurrentValue.SecretsDirectory is { } directory && Path.GetFileName(name) == name && name is not ("." or ".."))
        {
            var file = Path.Combine(directory, name);
            if (File.Exists(file))
            {
                // Mounted secrets often end with a newline that is not part of the value.
                return File.ReadAllText(file).TrimEnd('\r', '\n');
            }
        }

        return null;
    }
}
