namespace Remediator.Intake;

public enum PayloadErrorKind
{
    /// <summary>The payload is malformed or breaks a length cap: 400, never worth retrying.</summary>
    Invalid,

    /// <summary>More alerts than <see cref="WebhookOptions.MaxAlertsPerNotification"/>: 413, like a body over its limit.</summary>
    TooManyAlerts,
}
