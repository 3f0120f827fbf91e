namespace Remediator.Backtest.Simulation;

/// <summary>The states a simulated run passes through: the remediation saga's, by the same names.</summary>
public static class SimulatedRunState
{
    public const string Pending = "Pending";
    public const string WaitingForRoot = "WaitingForRoot";
    public const string AwaitingApproval = "AwaitingApproval";
    public const string Verifying = "Verifying";
    public const string Succeeded = "Succeeded";
    public const string Escalated = "Escalated";
    public const string Cancelled = "Cancelled";
    public const string Refused = "Refused";

    /// <summary>A run in one of these has not ended: a request for its target joins it.</summary>
    public static bool IsActive(string state) => state is Pending or WaitingForRoot or AwaitingApproval or Verifying;
}
