namespace Remediator.Intake.Reconcile;

/// <summary>Why one Alertmanager gave no alert list this round; the value is the metric's <c>reason</c> label.</summary>
public static class AlertmanagerPeerError
{
    /// <summary>No connection, or it broke (refused, reset, DNS, TLS).</summary>
    public const string Unreachable = "unreachable";

    /// <summary>No complete answer within <c>Remediator:Reconcile:Timeout</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary>An answer other than 200 (401, 403, 5xx, ...).</summary>
    public const string HttpStatus = "http_status";

    /// <summary>200, but not an alert list: not JSON, the wrong shape, or larger than <c>MaxResponseBytes</c>.</summary>
    public const string InvalidResponse = "invalid_response";

    /// <summary>The bearer token or password file could not be read.</summary>
    public const string Credentials = "credentials";
}
