namespace Remediator.Sagas;

public enum GateVerdict
{
    Allow,

    /// <summary>Do not act; the run ends <c>Refused</c> (or, past the first attempt, escalates).</summary>
    Refuse,

    /// <summary>Wait for a human (with the approval timeout), then ask again as approved.</summary>
    RequireApproval,

    /// <summary>Run the steps in dry-run: nothing changes, nothing to verify.</summary>
    DryRunOnly,

    /// <summary>Do not act and escalate (e.g. the storm brake engaging).</summary>
    Escalate,
}
