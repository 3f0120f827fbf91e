namespace Remediator.Scheduling;

/// <summary>Where <see cref="SchedulingOptions.Store"/> keeps timers.</summary>
public enum ScheduledMessageStoreKind
{
    InMemory,
    Sqlite,
    PostgreSql,
}
