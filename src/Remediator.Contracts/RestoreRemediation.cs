namespace Remediator.Contracts;

/// <summary>
/// Undo what the run's isolation steps changed (scale the root back up, restore its Service
/// selector): the recovery step of a cascade, once people have fixed the root cause.
/// </summary>
public sealed record RestoreRemediation
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    /// <summary>Who asked, for the timeline.</summary>
    public string? By { get; init; }

    public string? Comment { get; init; }
}
