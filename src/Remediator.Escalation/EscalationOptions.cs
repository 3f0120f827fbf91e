namespace Remediator.Escalation;

/// <summary>Escalation settings (<c>Remediator:Escalation</c>).</summary>
public sealed class EscalationOptions
{
    public const string SectionName = "Remediator:Escalation";

    /// <summary>The policy file. Default: <c>escalation.yaml</c> in the rules directory (the host fills it in).</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Run without a policy file on purpose (escalations are recorded as unrouted and page no one).
    /// Default false: a missing <see cref="Path"/> stops the engine at start-up and on reload keeps
    /// the policies in force, like a policy file with errors.
    /// </summary>
    public bool AllowMissingPolicy { get; set; }

    /// <summary>Reload the policy file when it changes. Default true, like the rules.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>Quiet time after the last change before reloading. Default 500 ms.</summary>
    public TimeSpan WatchDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Where people reach the dashboard (e.g. <c>https://remediator.example.com</c>): messages link to
    /// <c>{PublicBaseUrl}/remediations/{id}</c>. Default none: messages carry no dashboard link.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// A directory of secret files (one file per secret, named as the secret, e.g. a mounted
    /// Kubernetes Secret at <c>/run/secrets/remediator</c>). Default none. Secrets are looked up in
    /// configuration (<c>Remediator:Escalation:Secrets:NAME</c>), then the environment variable
    /// <c>NAME</c>, then this directory.
    /// </summary>
    public string? SecretsDirectory { get; set; }

    /// <summary>
    /// Deliver <c>notify</c> steps of dry runs for real. Default false: in a dry run nothing leaves
    /// the engine, and each channel says what it would have sent. A rule asks for it per step with
    /// <c>send-in-dry-run: true</c>.
    /// </summary>
    public bool NotifyInDryRun { get; set; }

    public DeliveryOptions Delivery { get; set; } = new();
}

/// <summary>How hard one delivery tries before its channel counts as dead for it (<c>Remediator:Escalation:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Retries after the first attempt, for 429, 408, 5xx and network errors. Default 5; other 4xx are never retried.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First back-off delay, doubled per retry with jitter. Default 2 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest back-off delay. Default 1 min.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait a 429's <c>Retry-After</c> may ask for; beyond it the delivery fails instead of stalling its tier. Default 5 min.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one attempt. Default 15 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
