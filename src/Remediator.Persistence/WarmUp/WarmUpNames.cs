namespace Remediator.Persistence.WarmUp;

public static class WarmUpNames
{
    /// <summary>
    /// What every warm-up names its synthetic alert, rule, target and run: no rule or cluster names
    /// it, and a log line or trace that shows it says where it came from.
    /// </summary>
    public const string Synthetic = "remediator-warm-up";
}
