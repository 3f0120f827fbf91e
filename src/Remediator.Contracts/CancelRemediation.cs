namespace Remediator.Contracts;

/// <summary>Cancel the remediation run <see cref="RemediationId"/> of the saga <see cref="CorrelationId"/>.</summary>
public sealed record CancelRemediation
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    /// <summary>Who asked, for the timeline.</summary>
    public string? By { get; init; }

    public string? Comment { get; init; }
}
