using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>rollback</c> action's arguments; a null revision means the previous one.</summary>
public sealed record RollbackParameters(int? ToRevision)
{
    public static RollbackParameters From(PlannedStep step) => new(StepArguments.For(step, "rollback").Int("to-revision"));
}
