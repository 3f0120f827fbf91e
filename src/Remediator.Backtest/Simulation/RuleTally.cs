using Remediator.Backtest.Reporting;

namespace Remediator.Backtest.Simulation;

/// <summary>One rule's counts while the simulation runs; <see cref="ToResult"/> freezes them.</summary>
internal sealed class RuleTally(string rule)
{
    public string Rule { get; } = rule;

    public int AlertsMatched { get; set; }

    public int AlertsUnresolved { get; set; }

    public int RunsStarted { get; set; }

    public int DryRuns { get; set; }

    public int Joined { get; set; }

    public int Succeeded { get; set; }

    public int LadderClimbs { get; set; }

    public int Escalated { get; set; }

    public int Cancelled { get; set; }

    public int ApprovalsRequested { get; set; }

    public int WaitedForRoot { get; set; }

    public int MinimumHealthyNotEvaluated { get; set; }

    public SortedDictionary<string, int> Refusals { get; } = new(StringComparer.Ordinal);

    public List<StormBrake> StormBrakes { get; } = [];

    public List<EscalationPage> Pages { get; } = [];

    public void Refused(string reason) => Refusals[reason] = Refusals.GetValueOrDefault(reason) + 1;

    public RuleBacktest ToResult(int stillActive) => new()
    {
        Rule = Rule,
        AlertsMatched = AlertsMatched,
        AlertsUnresolved = AlertsUnresolved,
        RunsStarted = RunsStarted,
        DryRuns = DryRuns,
        Joined = Joined,
        Succeeded = Succeeded,
        LadderClimbs = LadderClimbs,
        Escalated = Escalated,
        Cancelled = Cancelled,
        ApprovalsRequested = ApprovalsRequested,
        WaitedForRoot = WaitedForRoot,
        Refusals = new Dictionary<string, int>(Refusals, StringComparer.Ordinal),
        MinimumHealthyNotEvaluated = MinimumHealthyNotEvaluated,
        StormBrakes = [.. StormBrakes],
        Pages = [.. Pages],
        StillActive = stillActive,
    };
}
