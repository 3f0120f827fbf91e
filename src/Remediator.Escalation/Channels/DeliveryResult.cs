using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>How a delivery ended, after retries. <see cref="Detail"/> is safe to log and show: it never holds a secret or a URL.</summary>
public sealed record DeliveryResult(bool Succeeded, string Detail, int Attempts)
{
    public static DeliveryResult MissingSecret(string secretName) =>
        new(false, $"secret '{secretName}' is not set ({SecretResolver.SectionName}:{secretName}, environment variable {SecretResolver.EnvironmentVariable(secretName)} or the secrets directory)", 0);

    /// <summary>A URL setting whose value (perhaps from a secret, which the loader never sees) is not a URL the channel may send to; the value is not shown.</summary>
    public static DeliveryResult UnusableUrl(string channel, string key) =>
        new(false, $"channel '{channel}' setting '{key}' is not an absolute http(s) URL without credentials", 0);
}
