namespace Remediator.Backtest.Simulation;

/// <summary>An escalation climbing its policy's tiers until the alert resolves (nobody acknowledges in a backtest).</summary>
internal sealed class SimulatedEscalation
{
    public bool Resolved { get; set; }
}
