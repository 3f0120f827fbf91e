namespace Remediator.Guards;

public enum GuardVerdict
{
    /// <summary>Act now. A concurrency slot is held until <see cref="IRemediationGuards.RecordFinishedAsync"/>.</summary>
    Allow,

    /// <summary>Do not act; <see cref="GuardDecision.Reason"/> says why.</summary>
    Refuse,

    /// <summary>Wait for a human, then ask again with <see cref="GuardRequest.Approved"/> set.</summary>
    RequireApproval,

    /// <summary>Run the steps in dry-run: plan and log, change nothing. No slot is held and nothing is counted.</summary>
    DryRunOnly,

    /// <summary>An alert storm stops destructive actions; escalate once when <see cref="GuardDecision.StormEngaged"/>.</summary>
    StormBraked,
}
