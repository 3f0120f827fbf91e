namespace Remediator.Guards;

/// <summary>How a remediation ended, as told to <see cref="IRemediationGuards.RecordFinishedAsync"/>.</summary>
public enum RemediationOutcome
{
    Succeeded,
    Failed,
    Escalated,
    Cancelled,
}
