using Remediator.Contracts;

namespace Remediator.Sagas;

/// <summary>One attempt of a run asking whether it may act now.</summary>
public sealed record GateRequest
{
    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required SafetyPolicy Safety { get; init; }

    /// <summary>The steps about to run.</summary>
    public required IReadOnlyList<PlannedStep> Steps { get; init; }

    /// <summary>1 for the rule's steps, +1 per ladder rung.</summary>
    public required int Attempt { get; init; }

    /// <summary>A human approved the run, so the approval gate is passed.</summary>
    public bool Approved { get; init; }
}
