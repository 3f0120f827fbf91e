namespace Remediator.Intake.Reconcile;

/// <summary>
/// One Alertmanager to read alerts from (an element of <c>Remediator:Reconcile:Alertmanagers</c>),
/// with the credentials its API needs, as in Alertmanager's own <c>http_config</c>.
/// </summary>
public sealed class AlertmanagerPeerOptions
{
    /// <summary>Its base URL, e.g. <c>http://alertmanager-0.monitoring:9093/</c> (with any route prefix). Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c>. Default: unset.</summary>
    public string? BearerToken { get; set; }

    /// <summary>A file holding the bearer token, read at every request so a rotated token is picked up. Default: unset.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>HTTP basic credentials. Default: unset.</summary>
    public AlertmanagerBasicAuthOptions BasicAuth { get; set; } = new();

    /// <summary>TLS for an <c>https</c> URL. Default: the system's trust store, no client certificate.</summary>
    public AlertmanagerTlsOptions Tls { get; set; } = new();
}
