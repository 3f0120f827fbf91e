using Remediator.Contracts;
using Remediator.Rules.Actions;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Model;

/// <summary>A compiled step. <see cref="Constant"/> is the ready-made PlannedStep when nothing in it depends on the alert.</summary>
internal sealed record StepSpec(
    string Name,
    ActionSpec Action,
    IReadOnlyList<KeyValuePair<string, Template>> Parameters,
    TargetSpec? Target,
    TimeSpan Timeout,
    bool ContinueOnError,
    StepCompensation Compensate,
    bool Destructive,
    SourceLocation Location)
{
    public PlannedStep? Constant { get; init; }
}
