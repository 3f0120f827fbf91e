namespace Remediator.Backtest.Reporting;

/// <summary>One rule's results over the range.</summary>
public sealed record RuleBacktest
{
    public required string Rule { get; init; }

    /// <summary>Firing alerts the rule's matchers selected.</summary>
    public int AlertsMatched { get; init; }

    /// <summary>Alerts the rule selected but could not turn into a target (a template names a label the alert lacks).</summary>
    public int AlertsUnresolved { get; init; }

    /// <summary>Runs whose first attempt the guards let act (dry runs included).</summary>
    public int RunsStarted { get; init; }

    public int DryRuns { get; init; }

    /// <summary>Alerts that joined a run already active for their target instead of starting one.</summary>
    public int Joined { get; init; }

    public int Succeeded { get; init; }

    /// <summary>Further attempts: ladder rungs that ran after a failed verification.</summary>
    public int LadderClimbs { get; init; }

    public int Escalated { get; init; }

    /// <summary>Runs ended because their alert resolved before they acted (awaiting approval or a cascade's root).</summary>
    public int Cancelled { get; init; }

    public int ApprovalsRequested { get; init; }

    /// <summary>Runs that waited for the remediation of a workload their target depends on (cascade ordering).</summary>
    public int WaitedForRoot { get; init; }

    /// <summary>Guard decisions that stopped a run or a further attempt, by guard (the refusal reason code).</summary>
    public IReadOnlyDictionary<string, int> Refusals { get; init; } = new Dictionary<string, int>();

    /// <summary>Decisions in which the minimum-healthy guard would have read the live cluster: not evaluated, counted as passed.</summary>
    public int MinimumHealthyNotEvaluated { get; init; }

    public IReadOnlyList<StormBrake> StormBrakes { get; init; } = [];

    public IReadOnlyList<EscalationPage> Pages { get; init; } = [];

    /// <summary>Runs still under way when the range ended.</summary>
    public int StillActive { get; init; }

    public int RunsRefused => Refusals.Values.Sum();
}
