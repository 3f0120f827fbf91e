namespace Remediator.Contracts;

/// <summary>What to try next when verification fails: one rung per further attempt.</summary>
public sealed record LadderRung
{
    public required string Name { get; init; }

    public required IReadOnlyList<PlannedStep> Steps { get; init; }
}
