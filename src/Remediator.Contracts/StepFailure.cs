namespace Remediator.Contracts;

/// <summary>What a run does when a step of an attempt fails (after the completed reversible steps were compensated): the rule's <c>on-step-failure</c>.</summary>
public enum StepFailure
{
    /// <summary>Climb to the next <c>on-failure</c> rung, like a failed verification (the default); escalate when none is left.</summary>
    Climb,

    /// <summary>Escalate at once, without trying the ladder.</summary>
    Escalate,
}
