namespace Remediator.Contracts;

/// <summary>
/// What happens to a completed step's change when a later step of the same attempt fails (the
/// rule's <c>compensate:</c>; each action has its own default, see docs/rules.md).
/// </summary>
public enum StepCompensation
{
    /// <summary>Undo it (the default of plans made before the option existed).</summary>
    Undo,

    /// <summary>Keep it: an isolation or a scale-out stays until a person or the recovery changes it.</summary>
    Keep,
}
