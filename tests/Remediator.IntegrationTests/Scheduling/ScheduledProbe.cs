namespace Remediator.IntegrationTests.Scheduling;

/// <summary>What the scheduler tests schedule: stands in for a saga's timeout.</summary>
public sealed record ScheduledProbe(Guid ProbeId);
