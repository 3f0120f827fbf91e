namespace Remediator.Contracts;

/// <summary>A <c>notify</c> step ran: the escalation channels deliver it.</summary>
public sealed record RemediationNotificationRequested
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required string StepName { get; init; }

    public required RemediationTarget Target { get; init; }

    /// <summary>The step's parameters (e.g. <c>channel</c>, <c>message</c>).</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    public required DateTimeOffset At { get; init; }
}
