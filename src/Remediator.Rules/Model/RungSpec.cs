namespace Remediator.Rules.Model;

/// <summary>A compiled <c>on-failure</c> rung.</summary>
internal sealed record RungSpec(string Name, IReadOnlyList<StepSpec> Steps);
