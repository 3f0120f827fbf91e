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

    /// <summary>When set, <c>Authorization: Bearer &lt;token&gt;</c> is accepted. Default: unset.</summary>
    public string? BearerToken { get; set; }

    /// <summary>When both are set, HTTP basic credentials are accepted. Default: unset.</summary>
    public WebhookBasicAuthOptions BasicAuth { get; set; } = new();

    /// <summary>The Retry-After sent with 503 when the bus is unavailable. Default 30 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}
