namespace Remediator.Observability.Health;

/// <summary>Which probe runs a health check.</summary>
public static class HealthTags
{
    /// <summary>Checked by <c>/readyz</c>; MassTransit tags its bus check the same way.</summary>
    public const string Ready = "ready";

    /// <summary>Checked by <c>/healthz</c> too: only what says the process must be restarted.</summary>
    public const string Live = "live";
}
