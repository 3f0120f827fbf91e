namespace Remediator.Contracts;

/// <summary>Approve the remediation run <see cref="RemediationId"/> of the saga <see cref="CorrelationId"/>.</summary>
public sealed record ApproveRemediation
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    /// <summary>Who asked, for the timeline.</summary>
    public string? By { get; init; }

    public string? Comment { get; init; }
}
