using Remediator.Contracts;

namespace Remediator.Backtest.Simulation;

/// <summary>One run of a (rule, target) in the simulation, after the saga's <c>RemediationRun</c>.</summary>
internal sealed class SimulatedRun(Guid id, RuleTally tally, RemediationTarget target, RemediationPlan plan, DateTimeOffset requestedAt)
{
    public Guid Id { get; } = id;

    public RuleTally Tally { get; } = tally;

    public RemediationTarget Target { get; } = target;

    public string TargetKey { get; } = target.ToString();

    public RemediationPlan Plan { get; } = plan;

    public DateTimeOffset RequestedAt { get; } = requestedAt;

    public string State { get; set; } = SimulatedRunState.Pending;

    public int Attempt { get; set; } = 1;

    public IReadOnlyList<PlannedStep> CurrentSteps { get; set; } = plan.Steps;

    public HashSet<string> Fingerprints { get; } = new(StringComparer.Ordinal);

    public bool HoldsSlot { get; set; }

    public bool DryRun { get; set; }

    public DateTimeOffset? AlertResolvedAt { get; set; }

    /// <summary>The active run of an upstream workload this run waits for (cascade ordering).</summary>
    public SimulatedRun? WaitingFor { get; set; }

    /// <summary>Bumped whenever a wait is rescheduled, so the timer of the older one is ignored.</summary>
    public int WaitGeneration { get; set; }

    public List<SimulatedRun> Dependents { get; } = [];

    /// <summary>The escalation this run paged, while it still climbs tiers.</summary>
    public SimulatedEscalation? Escalation { get; set; }

    public bool IsActive => SimulatedRunState.IsActive(State);
}
