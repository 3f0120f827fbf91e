namespace Remediator.Intake.Reconcile;

/// <summary>TLS towards one Alertmanager, as Alertmanager's own <c>tls_config</c>.</summary>
public sealed class AlertmanagerTlsOptions
{
    /// <summary>PEM file of the CA(s) that sign the Alertmanager's certificate, trusted instead of the system store. Default: unset.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate, for an Alertmanager behind mutual TLS. Needs <see cref="KeyFile"/>. Default: unset.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/>. Default: unset.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The name the certificate must carry when it differs from the URL's host. Default: the URL's host.</summary>
    public string? ServerName { get; set; }

    /// <summary>Accept any certificate. Default false; a warning is logged at every start while true.</summary>
    public bool InsecureSkipVerify { get; set; }
}
