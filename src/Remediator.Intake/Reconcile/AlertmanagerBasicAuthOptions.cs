namespace Remediator.Intake.Reconcile;

/// <summary>HTTP basic credentials for one Alertmanager's API. Default: unset.</summary>
public sealed class AlertmanagerBasicAuthOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>A file holding the password, read at every request. Default: unset.</summary>
    public string? PasswordFile { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(PasswordFile);
}
