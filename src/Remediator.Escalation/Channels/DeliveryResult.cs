namespace Remediator.Escalation.Channels;

/// <summary>How a delivery ended, after retries. <see cref="Detail"/> is safe to log and show: it never holds a secret or a URL.</summary>
public sealed record DeliveryResult(bool Succeeded, string Detail, int Attempts)
{
    public static DeliveryResult MissingSecret(string secretName) =>
        new(false, $"secret '{secretName}' is not set (configuration, environment or secrets directory)", 0);
}
