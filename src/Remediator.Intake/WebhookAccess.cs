namespace Remediator.Intake;

/// <summary>What <see cref="WebhookAuthenticator.Authorize"/> decided about a caller.</summary>
public enum WebhookAccess
{
    Allowed,

    /// <summary>Credentials are configured and the request did not carry valid ones.</summary>
    InvalidCredentials,

    /// <summary>
    /// No credentials are configured and anonymous access was not allowed, so only loopback
    /// callers are answered; this one came over the network.
    /// </summary>
    NotLoopback,
}
