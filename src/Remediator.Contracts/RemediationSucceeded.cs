namespace Remediator.Contracts;

/// <summary>A remediation run ended: succeeded.</summary>
public sealed record RemediationSucceeded
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required int Attempts { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }
}
