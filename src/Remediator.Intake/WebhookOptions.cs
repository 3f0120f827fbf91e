namespace Remediator.Intake;

/// <summary>The Alertmanager webhook's limits and credentials (section <c>Remediator:Webhook</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Remediator:Webhook";

    /// <summary>
    /// Larger bodies get 413. Default 1 MiB: a group of a few hundred alerts with long
    /// annotations fits; Alertmanager's <c>max_alerts</c> bounds it further.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 1_048_576;

    /// <summary>
    /// A notification with more alerts gets 413, and nothing of it is published. Default 1000: a
    /// node outage legitimately sends hundreds in one group. Set the receiver's <c>max_alerts</c>
    /// in Alertmanager to this or less, so Alertmanager truncates instead of being refused.
    /// </summary>
    public int MaxAlertsPerNotification { get; set; } = 1000;

    /// <summary>
    /// Longer fingerprints get 400. Default 64: Alertmanager's are 16 hex digits; room for a
    /// SHA-256 in hex from other senders. Every fingerprint is kept for the de-duplication window.
    /// </summary>
    public int MaxFingerprintLength { get; set; } = 64;

    /// <summary>Longer label names get 400. Default 1024, the limit Mimir, Cortex and Loki apply to label names.</summary>
    public int MaxLabelNameLength { get; set; } = 1024;

    /// <summary>Longer label values get 400. Default 2048, the limit Mimir, Cortex and Loki apply to label values.</summary>
    public int MaxLabelValueLength { get; set; } = 2048;

    /// <summary>When set, <c>Authorization: Bearer &lt;token&gt;</c> is accepted. Default: unset.</summary>
    public string? BearerToken { get; set; }

    /// <summary>When both are set, HTTP basic credentials are accepted. Default: unset.</summary>
    public WebhookBasicAuthOptions BasicAuth { get; set; } = new();

    /// <summary>
    /// With no credentials configured the webhook answers only loopback callers (others get 401);
    /// true accepts any caller without credentials, with a warning at every start. Default false.
    /// Cannot be combined with credentials.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The Retry-After sent with 503 when the bus is unavailable. Default 30 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when a bearer token or basic credentials are configured.</summary>
    public bool HasCredentials => !string.IsNullOrEmpty(BearerToken) || BasicAuth.IsConfigured;

    /// <summary>The full configuration key of one of these settings, e.g. <c>Remediator:Webhook:AllowAnonymous</c>, for messages.</summary>
    public static string Key(string setting) => $"{SectionName}:{setting}";
}
