namespace Remediator.Persistence.WarmUp;

/// <summary>Section <c>Remediator:WarmUp</c>: the start-up warm-up (<see cref="StartupWarmUp"/>).</summary>
public sealed class WarmUpOptions
{
    public const string SectionName = "Remediator:WarmUp";

    /// <summary>
    /// Run every module's warm-up while the engine starts, before it reports ready and before the
    /// webhook takes alerts. Off, a fresh engine compiles its hot path on its first alerts instead
    /// (bench/README.md, cold start). Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long the warm-up may delay the start at most; what has not finished by then is
    /// abandoned with a warning and the engine starts anyway. Positive, at most 5 minutes.
    /// Default 30 seconds (the warm-up takes about a second on an idle core).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
