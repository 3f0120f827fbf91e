namespace Remediator.Hosting;

/// <summary>Section <c>Remediator:Shutdown</c>: what the engine does between SIGTERM and its exit.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Remediator:Shutdown";

    /// <summary>
    /// How long the engine keeps answering (the webhook with 503 and <c>Retry-After</c>, <c>/readyz</c>
    /// with 503 "draining") after SIGTERM before it stops taking connections, so senders and load
    /// balancers hear it is going rather than meeting a refused connection. Default 5 seconds.
    /// </summary>
    public TimeSpan Drain { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The whole grace period (the host's <c>ShutdownTimeout</c>), the drain included: in-flight
    /// handlings finish within it; what does not is rolled back and handled again after the next
    /// start. Keep it below the orchestrator's kill deadline (Kubernetes'
    /// <c>terminationGracePeriodSeconds</c>, 30 s by default). Default 25 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);
}
