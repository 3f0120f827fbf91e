using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Remediator.Escalation.Secrets;

/// <summary>
/// Configuration (<c>Remediator:Escalation:Secrets:NAME</c>, which includes its environment form),
/// then the environment variable <c>NAME</c>, then the file <c>NAME</c> in
/// <see cref="EscalationOptions.SecretsDirectory"/>. Read on every use, so a rotated secret takes
/// effect without a restart; values are never logged.
/// </summary>
public sealed class SecretResolver(IConfiguration configuration, IOptionsMonitor<EscalationOptions> options) : ISecretResolver
{
    public const string SectionName = EscalationOptions.SectionName + ":Secrets";

    public string? Resolve(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (configuration.GetSection(SectionName)[name] is { Length: > 0 } configured)
        {
            return configured;
        }

        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } environment)
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
