namespace Remediator.Contracts;

/// <summary>A <c>notify</c> step ran: the escalation channels deliver it.</summary>
public sealed record RemediationNotificationRequested
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    /// <summary>The attempt whose step asked (its delivery results are shown with it).</summary>
    public int Attempt { get; init; }

    public required string StepName { get; init; }

    /// <summary>The run is a dry run: the channels send nothing unless <c>send-in-dry-run</c> or the engine's setting asks.</summary>
    public bool DryRun { get; init; }

    public required RemediationTarget Target { get; init; }

    /// <summary>The step's parameters (e.g. <c>channel</c>, <c>message</c>).</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    public required DateTimeOffset At { get; init; }
}
