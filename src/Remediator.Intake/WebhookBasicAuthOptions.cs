namespace Remediator.Intake;

/// <summary>HTTP basic credentials for the webhook (section <c>Remediator:Webhook:BasicAuth</c>). Default: unset.</summary>
public sealed class WebhookBasicAuthOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);
}
