namespace Remediator.Sagas;

/// <summary>How a run that held a guard slot ended, as told to <see cref="IRemediationGate.RecordFinishedAsync"/>.</summary>
public enum RemediationRunOutcome
{
    Succeeded,
    Failed,
    Escalated,
    Cancelled,
}
