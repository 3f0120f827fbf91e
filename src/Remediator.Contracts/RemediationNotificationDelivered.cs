namespace Remediator.Contracts;

/// <summary>
/// A <c>notify</c> step's message reached one channel, failed to, or (in a dry run) was not sent:
/// the run's timeline and step results show each channel's outcome.
/// </summary>
public sealed record RemediationNotificationDelivered
{
    public required Guid CorrelationId { get; init; }

    public required Guid RemediationId { get; init; }

    public required int Attempt { get; init; }

    public required string StepName { get; init; }

    /// <summary>The channel as <c>escalation.yaml</c> names it.</summary>
    public required string Channel { get; init; }

    public required NotificationOutcome Outcome { get; init; }

    /// <summary>What happened (e.g. <c>200 OK</c>, <c>secret 'x' is not set</c>, what a dry run would have sent); never a secret.</summary>
    public required string Detail { get; init; }

    public required DateTimeOffset At { get; init; }
}
